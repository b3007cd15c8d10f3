// The probe's activity: a database write done by the worker, proving the worker reaches the database.
import os from 'node:os';
import type { Db } from '../db/client';

export interface ProbeActivities {
  recordProbe(probeId: string): Promise<{ completedAt: string; workerId: string }>;
}

export function createProbeActivities(db: Db): ProbeActivities {
  return {
    async recordProbe(probeId) {
      const workerId = `${os.hostname()}:${process.pid}`;
      const probe = await db.diagnosticProbe.update({
        where: { id: probeId },
        data: { completedAt: new Date(), workerId },
      });
      return { completedAt: probe.completedAt!.toISOString(), workerId };
    },
  };
}
