/** Recorded metrics: the format of `hpa-ts replay`, the client that replays it, the client that records one. */
export * from './format.js';
export { RecordedMetricsClient, distribute, indexRecording, sampleKey, type RecordedClientOptions } from './client.js';
export { RecordingMetricsClient, type RecorderOptions } from './recorder.js';
