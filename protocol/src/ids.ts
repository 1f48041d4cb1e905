import { Type } from '@sinclair/typebox';

/**
 * Identifiers are the only strings allowed on the wire [PRIV-2]: short, ASCII, no spaces,
 * so no free text (a transcript fragment, a name) can ride inside one.
 */
export const IDENTIFIER_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$';

export const Identifier = (description: string) =>
  Type.String({ pattern: IDENTIFIER_PATTERN, maxLength: 64, description });

/** A device id is also an MQTT topic level, so `+`, `#` and `/` are excluded by the pattern. */
export const DeviceId = Identifier('Device id, unique in the fleet; also the last topic level.');

/** Unix time in milliseconds (device clock). */
export const UnixMs = (description: string) => Type.Integer({ minimum: 0, maximum: 8.64e15, description });

export const Seconds = (description: string) => Type.Number({ minimum: 0, maximum: 86_400, description });

export const Count = (description: string) => Type.Integer({ minimum: 0, maximum: 1_000_000, description });

export const Ratio = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });
