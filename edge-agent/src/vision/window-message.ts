import type { UnavailableReason, VisionSection, WindowV1 } from '@classroom/protocol';

/** Fills a window message's vision section, or its reason for being null [PRIV-3]. */
export function withVision(
  message: WindowV1,
  result: { section: VisionSection | null; reason: UnavailableReason | null },
): WindowV1 {
  message.vision = result.section;
  if (result.section) delete message.unavailable.vision;
  else message.unavailable.vision = result.reason ?? 'error';
  return message;
}
