import { Option } from '@commander-js/extra-typings';
import { envName } from '../options.js';

/** A commander option that can also come from the environment as HPA_TS_<FLAG> (envName). */
export function envOpt(flags: string, description: string): Option {
  const long = /--([a-z0-9-]+)/.exec(flags)?.[1] ?? flags;
  return new Option(flags, description).env(envName(long));
}
