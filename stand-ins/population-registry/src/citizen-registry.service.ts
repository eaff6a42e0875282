import { Injectable } from '@nestjs/common';

export interface CitizenRecord {
  cccd: string;
  fullName: string;
  dateOfBirth: string;
  gender: 'male' | 'female';
  lifeStatus: 'alive' | 'deceased';
  dateOfDeath: string | null;
}

export interface DeathNotice {
  seq: number;
  cccd: string;
  dateOfDeath: string;
}

/**
 * A stand-in for the national population database (Cơ sở dữ liệu quốc gia về dân cư): an external
 * party, simulated here. It keeps citizens in memory; feed positions are derived from the clock so
 * that a restarted stand-in never reuses a position a consumer has already passed.
 */
@Injectable()
export class CitizenRegistryService {
  private readonly citizens = new Map<string, CitizenRecord>();
  private readonly deaths: DeathNotice[] = [];
  private lastSeq = 0;

  upsert(record: Omit<CitizenRecord, 'lifeStatus' | 'dateOfDeath'>): CitizenRecord {
    const existing = this.citizens.get(record.cccd);
    const stored: CitizenRecord = { ...record, lifeStatus: existing?.lifeStatus ?? 'alive', dateOfDeath: existing?.dateOfDeath ?? null };
    this.citizens.set(record.cccd, stored);
    return stored;
  }

  find(cccd: string): CitizenRecord | undefined {
    return this.citizens.get(cccd);
  }

  recordDeath(cccd: string, dateOfDeath: string): DeathNotice | undefined {
    const citizen = this.citizens.get(cccd);
    if (!citizen) return undefined;
    citizen.lifeStatus = 'deceased';
    citizen.dateOfDeath = dateOfDeath;
    this.lastSeq = Math.max(this.lastSeq + 1, Date.now());
    const notice = { seq: this.lastSeq, cccd, dateOfDeath };
    this.deaths.push(notice);
    return notice;
  }

  deathsAfter(position: number, limit: number): DeathNotice[] {
    return this.deaths.filter((notice) => notice.seq > position).slice(0, limit);
  }
}
