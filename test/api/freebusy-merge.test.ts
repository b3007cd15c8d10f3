// The pure merge behind POST /v1/freebusy: overlapping and touching blocks join, the window clips.
import { mergeBusyIntervals } from '../../domain/freebusy';

const at = (hour: number) => new Date(Date.UTC(2026, 0, 5, hour)).toISOString();

describe('mergeBusyIntervals', () => {
  it('sorts, merges overlapping and touching blocks, and drops empty ones', () => {
    expect(
      mergeBusyIntervals([
        { start: at(13), end: at(14) },
        { start: at(9), end: at(11) },
        { start: at(10), end: at(12) },
        { start: at(12), end: at(12) },
        { start: at(14), end: at(15) },
      ]),
    ).toEqual([
      { start: at(9), end: at(12) },
      { start: at(13), end: at(15) },
    ]);
  });

  it('clips to the window and ignores blocks outside it', () => {
    expect(
      mergeBusyIntervals(
        [
          { start: at(6), end: at(9) },
          { start: at(20), end: at(22) },
          { start: at(1), end: at(2) },
        ],
        { from: at(8), to: at(21) },
      ),
    ).toEqual([
      { start: at(8), end: at(9) },
      { start: at(20), end: at(21) },
    ]);
  });
});
