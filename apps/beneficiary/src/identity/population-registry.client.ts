import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { SERVICE_CONFIG } from '@app/platform';
import type { BeneficiaryConfig } from '../config/beneficiary.config';

const citizenSchema = z.object({
  cccd: z.string(),
  fullName: z.string(),
  dateOfBirth: z.iso.date(),
  gender: z.enum(['male', 'female']),
  lifeStatus: z.enum(['alive', 'deceased']),
  dateOfDeath: z.iso.date().nullable(),
});
export type Citizen = z.infer<typeof citizenSchema>;

const deathPageSchema = z.object({
  items: z.array(z.object({ seq: z.number().int(), cccd: z.string().regex(/^\d{12}$/), dateOfDeath: z.iso.date() })),
  next: z.number().int(),
});
export type DeathPage = z.infer<typeof deathPageSchema>;

/** The population registry as AnSinh needs it; an adapter per real integration, a stand-in for tests and demos. */
export abstract class PopulationRegistry {
  abstract findCitizen(cccd: string): Promise<Citizen | null>;
  abstract deathsAfter(position: number, limit: number): Promise<DeathPage>;
}

export class RegistryUnavailableError extends Error {
  override readonly name = 'RegistryUnavailableError';
}

/** Talks to a registry over HTTP; answers it cannot trust are errors, never "not found". */
@Injectable()
export class HttpPopulationRegistry extends PopulationRegistry {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: BeneficiaryConfig) {
    super();
  }

  async findCitizen(cccd: string): Promise<Citizen | null> {
    const response = await this.get(`/citizens/${encodeURIComponent(cccd)}`);
    if (response.status === 404) return null;
    return citizenSchema.parse(await this.json(response));
  }

  async deathsAfter(position: number, limit: number): Promise<DeathPage> {
    return deathPageSchema.parse(await this.json(await this.get(`/deaths?after=${position}&limit=${limit}`)));
  }

  private async get(path: string): Promise<Response> {
    try {
      const response = await fetch(new URL(path, this.config.POPULATION_REGISTRY_URL), {
        signal: AbortSignal.timeout(this.config.POPULATION_REGISTRY_TIMEOUT_MS),
      });
      if (response.status >= 500 || response.status === 429) throw new RegistryUnavailableError(`registry answered ${response.status}`);
      return response;
    } catch (error) {
      if (error instanceof RegistryUnavailableError) throw error;
      throw new RegistryUnavailableError(`registry unreachable: ${(error as Error).message}`);
    }
  }

  private async json(response: Response): Promise<unknown> {
    if (!response.ok) throw new RegistryUnavailableError(`registry answered ${response.status}`);
    return response.json();
  }
}
