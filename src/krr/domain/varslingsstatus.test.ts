import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { channelUsable, freshnessCutoff, varslingsstatus, type VarslingInput } from './varslingsstatus.ts';

const NOW = Date.UTC(2025, 7, 31, 12, 30, 15, 250); // 31 Aug 2025 12:30:15.250 UTC

describe('the 18-month rule', () => {
  it('puts the cut-off 18 calendar months back, same time of day, the day clamped to the month (31 Aug 2025 → 29 Feb 2024)', () => {
    assert.equal(new Date(freshnessCutoff(NOW)).toISOString(), '2024-02-29T12:30:15.250Z');
    assert.equal(new Date(freshnessCutoff(Date.UTC(2025, 5, 15))).toISOString(), '2023-12-15T00:00:00.000Z');
    assert.equal(new Date(freshnessCutoff(Date.UTC(2025, 0, 31))).toISOString(), '2023-07-31T00:00:00.000Z');
  });

  it('counts a channel updated exactly at the cut-off as usable, one millisecond earlier as not', () => {
    const cutoff = freshnessCutoff(NOW);
    assert.equal(channelUsable({ address: 'a@example.com', oppdatert: cutoff, sistVerifisert: null }, cutoff), true);
    assert.equal(channelUsable({ address: 'a@example.com', oppdatert: cutoff - 1, sistVerifisert: null }, cutoff), false);
  });

  it('counts a recent confirmation (sist_verifisert) even when the update is old', () => {
    const cutoff = freshnessCutoff(NOW);
    assert.equal(channelUsable({ address: '+4799999999', oppdatert: cutoff - 1e10, sistVerifisert: cutoff }, cutoff), true);
    assert.equal(channelUsable({ address: '+4799999999', oppdatert: cutoff - 1e10, sistVerifisert: cutoff - 1 }, cutoff), false);
  });

  it('never counts a channel without an address', () => {
    const cutoff = freshnessCutoff(NOW);
    assert.equal(channelUsable({ address: null, oppdatert: NOW, sistVerifisert: NOW }, cutoff), false);
  });

  it('is KAN_VARSLES when one channel is usable, KAN_IKKE_VARSLES when reserved, deleted or both channels are stale', () => {
    const cutoff = freshnessCutoff(NOW);
    const fresh = { address: 'x', oppdatert: NOW, sistVerifisert: null };
    const stale = { address: 'x', oppdatert: cutoff - 1, sistVerifisert: null };
    const base: VarslingInput = { status: 'AKTIV', reservasjon: 'NEI', epost: stale, mobil: fresh };
    assert.equal(varslingsstatus(base, cutoff), 'KAN_VARSLES');
    assert.equal(varslingsstatus({ ...base, epost: fresh, mobil: stale }, cutoff), 'KAN_VARSLES');
    assert.equal(varslingsstatus({ ...base, mobil: stale }, cutoff), 'KAN_IKKE_VARSLES');
    assert.equal(varslingsstatus({ ...base, reservasjon: 'JA' }, cutoff), 'KAN_IKKE_VARSLES');
    assert.equal(varslingsstatus({ ...base, status: 'SLETTET' }, cutoff), 'KAN_IKKE_VARSLES');
  });
});
