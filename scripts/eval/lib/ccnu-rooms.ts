/**
 * ClaBehavior photos taken by the same fixed camera in the same room during one lesson (checked
 * by eye and by difference images: only the people change between them), in file order. They are
 * further apart in time than 2 s, so consecutive photos overstate the motion of one 2-s step.
 */
export const CCNU_ROOMS = {
  'room-a': [
    '0102.jpg',
    '0126.jpg',
    '0160.jpg',
    '018.jpg',
    '0201.jpg',
    '0209.jpg',
    '0239.jpg',
    '0240.jpg',
    '0256.jpg',
    '029.jpg',
    '034.jpg',
    '0370.jpg',
    '0383.jpg',
    '0442.jpg',
    '0443.jpg',
    '0460.jpg',
  ],
  'room-b': ['0120.jpg', '0156.jpg', '0187.jpg', '0243.jpg', '0249.jpg', '0417.jpg', '0464.jpg', '0500.jpg'],
} as const;
export type CcnuRoom = keyof typeof CCNU_ROOMS;
