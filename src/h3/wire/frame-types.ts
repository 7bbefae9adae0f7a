// HTTP/3 registry values (RFC 9114 §11.2, RFC 9204 §5): frame types, setting ids, unidirectional
// stream types, and the reserved/grease predicates. Shared by the encoders and FrameReader.

/** RFC 9114 §7.2 frame types. */
export const FrameType = Object.freeze({
  DATA: 0x0,
  HEADERS: 0x1,
  CANCEL_PUSH: 0x3,
  SETTINGS: 0x4,
  PUSH_PROMISE: 0x5,
  GOAWAY: 0x7,
  MAX_PUSH_ID: 0xd,
} as const);

/** RFC 9114 §7.2.4.1 and RFC 9204 §5 setting identifiers. */
export const SettingId = Object.freeze({
  QPACK_MAX_TABLE_CAPACITY: 0x1,
  MAX_FIELD_SECTION_SIZE: 0x6,
  QPACK_BLOCKED_STREAMS: 0x7,
} as const);

/** RFC 9114 §6.2 and RFC 9204 §4.2 unidirectional stream types. */
export const StreamType = Object.freeze({
  CONTROL: 0x0,
  PUSH: 0x1,
  QPACK_ENCODER: 0x2,
  QPACK_DECODER: 0x3,
} as const);

/** §7.2.8: HTTP/2 frame types with no HTTP/3 meaning (PRIORITY, PING, WINDOW_UPDATE, CONTINUATION). */
export function isReservedHttp2FrameType(type: number): boolean {
  return type === 0x2 || type === 0x6 || type === 0x8 || type === 0x9;
}

/** §7.2.4.1: HTTP/2 setting ids with no HTTP/3 meaning; receiving one is H3_SETTINGS_ERROR. */
export function isReservedHttp2SettingId(id: number): boolean {
  return id >= 0x2 && id <= 0x5;
}

/** §7.2.8/§7.2.4.1/§8.1: reserved "grease" values 0x1f * N + 0x21, which peers must ignore. */
export function isGreaseValue(value: number): boolean {
  return value >= 0x21 && (value - 0x21) % 0x1f === 0;
}
