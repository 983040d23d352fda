/**
 * A self-signed serving certificate made in memory, for the secure port when no --tls-cert-file is
 * given (kube-controller-manager writes one to --cert-dir; hpa-ts runs on a read-only root
 * filesystem, so it keeps it in memory). ECDSA P-256, SHA-256, valid one year from `now`, with
 * the host names and IPs it is reached by as subjectAltNames. Node can sign but not build X.509,
 * so the certificate is DER-encoded here (RFC 5280, section 4.1); `X509Certificate` parses it back in the
 * tests.
 */
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { isIP } from 'node:net';

export interface SelfSigned {
  readonly certPem: string;
  readonly keyPem: string;
}

const YEAR_MS = 365 * 24 * 3600 * 1000;
/** a little before now, so clocks slightly behind ours accept it */
const BACKDATE_MS = 5 * 60 * 1000;

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

const seq = (...items: Buffer[]): Buffer => tlv(0x30, ...items);

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const groups: number[] = [];
    for (let v = n; ; v = Math.floor(v / 128)) {
      groups.unshift(v & 0x7f);
      if (v < 128) break;
    }
    out.push(...groups.map((g, i) => (i < groups.length - 1 ? g | 0x80 : g)));
  }
  return tlv(0x06, Buffer.from(out));
}

/** UTCTime until 2049, GeneralizedTime after (RFC 5280, section 4.1.2.5). */
function time(ms: number): Buffer {
  const iso = new Date(ms).toISOString(); // 2026-12-07T04:59:43.123Z
  const digits = iso.slice(0, 19).replace(/[-:T]/g, '') + 'Z';
  const year = Number(iso.slice(0, 4));
  return year < 2050 ? tlv(0x17, Buffer.from(digits.slice(2))) : tlv(0x18, Buffer.from(digits));
}

function ipBytes(ip: string): Buffer {
  if (isIP(ip) === 4) return Buffer.from(ip.split('.').map(Number));
  const [head, tail = ''] = ip.split('::');
  const parts = (s: string): number[] => (s === '' ? [] : s.split(':').map((h) => parseInt(h, 16)));
  const h = parts(head);
  const t = parts(tail);
  const words = ip.includes('::') ? [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t] : h;
  return Buffer.from(words.flatMap((w) => [w >> 8, w & 0xff]));
}

/**
 * A DER INTEGER for unsigned big-endian `bytes`: minimal (no leading 0x00 unless the next byte has
 * its high bit set, which would make it negative). A random serial starting with 0x00 0x0… once
 * made OpenSSL refuse the certificate ("illegal padding") about one time in 256.
 */
export function derPositiveInteger(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const body = bytes.subarray(start);
  return tlv(0x02, body[0] >= 0x80 ? Buffer.concat([Buffer.from([0]), body]) : body);
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return seq(oid(id), ...(critical ? [tlv(0x01, Buffer.from([0xff]))] : []), tlv(0x04, value));
}

/** A certificate for `names` (DNS names and IP addresses), its subject CN the first of them. */
export function selfSignedCertificate(names: readonly string[], now: number): SelfSigned {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const serial = derPositiveInteger(randomBytes(16));
  const ecdsaSha256 = seq(oid('1.2.840.10045.4.3.2'));
  const subject = seq(tlv(0x31, seq(oid('2.5.4.3'), tlv(0x0c, Buffer.from(`${names[0] ?? 'hpa-ts'}@${now}`)))));
  const altNames = seq(...names.map((n) => (isIP(n) !== 0 ? tlv(0x87, ipBytes(n)) : tlv(0x82, Buffer.from(n)))));
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // v3
    serial,
    ecdsaSha256,
    subject, // issuer: itself
    seq(time(now - BACKDATE_MS), time(now + YEAR_MS)),
    subject,
    publicKey.export({ type: 'spki', format: 'der' }),
    tlv(
      0xa3,
      seq(
        // keyUsage: digitalSignature, keyCertSign (it is its own trust anchor)
        extension('2.5.29.15', true, tlv(0x03, Buffer.from([0x02, 0x84]))),
        // extKeyUsage: serverAuth
        extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))),
        // basicConstraints: CA (a self-signed trust anchor, as client-go's certutil makes)
        extension('2.5.29.19', true, seq(tlv(0x01, Buffer.from([0xff])))),
        extension('2.5.29.17', false, altNames),
      ),
    ),
  );
  const signature = sign('sha256', tbs, privateKey);
  const der = seq(tbs, ecdsaSha256, tlv(0x03, Buffer.from([0]), signature));
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return {
    certPem: `-----BEGIN CERTIFICATE-----\n${b64.replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`,
    keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
