import { ALLOWED_ROLES, BATCH_CONSUMES, PUBLIC_ROUTE, type BatchConsumption, type Role } from '@app/platform';
import { RequestMethod, type DynamicModule, type Type } from '@nestjs/common';

// Nest's own metadata keys (@nestjs/common/constants): where @Controller, @Get/@Post… and @Module store what they declare.
const PATH_METADATA = 'path';
const METHOD_METADATA = 'method';

export interface RouteEntry {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** OpenAPI form: /beneficiaries/{id}/accounts */
  path: string;
  roles: readonly Role[];
  public: boolean;
}

type ModuleRef = Type<unknown> | DynamicModule | Promise<DynamicModule>;

function declaredOf(root: ModuleRef, kind: 'controllers' | 'providers', seen = new Set<unknown>()): Array<Type<unknown>> {
  if (!root || root instanceof Promise || seen.has(root)) return [];
  seen.add(root);
  const dynamic = typeof root === 'object' ? root : undefined;
  const moduleClass = dynamic ? dynamic.module : (root as Type<unknown>);
  const imports: ModuleRef[] = [...(Reflect.getMetadata('imports', moduleClass) ?? []), ...(dynamic?.imports ?? [])];
  const declared: unknown[] = [...(Reflect.getMetadata(kind, moduleClass) ?? []), ...(dynamic?.[kind] ?? [])];
  const classes = declared.filter((entry): entry is Type<unknown> => typeof entry === 'function');
  return [...new Set([...classes, ...imports.flatMap((imported) => declaredOf(imported, kind, seen))])];
}

const controllersOf = (root: ModuleRef) => declaredOf(root, 'controllers');

/** What the module's batch consumers declare with @BatchConsumes. */
export function batchConsumptions(appModule: DynamicModule): BatchConsumption[] {
  return declaredOf(appModule, 'providers').flatMap((provider) => {
    const consumption: BatchConsumption | undefined = Reflect.getMetadata(BATCH_CONSUMES, provider);
    return consumption ? [consumption] : [];
  });
}

const join = (...parts: string[]) =>
  `/${parts
    .flatMap((part) => part.split('/'))
    .filter(Boolean)
    .map((segment) => (segment.startsWith(':') ? `{${segment.slice(1)}}` : segment))
    .join('/')}`;

/**
 * Every HTTP route of an application module with the roles its @Roles names, read from the same
 * metadata the AuthGuard reads, so the access matrix follows the code rather than a copy of it.
 */
export function routeTable(appModule: DynamicModule): RouteEntry[] {
  const routes: RouteEntry[] = [];
  for (const controller of controllersOf(appModule)) {
    const base: string | string[] = Reflect.getMetadata(PATH_METADATA, controller) ?? '/';
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = controller.prototype[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const path: string | string[] | undefined = Reflect.getMetadata(PATH_METADATA, handler);
      const method: RequestMethod | undefined = Reflect.getMetadata(METHOD_METADATA, handler);
      if (path === undefined || method === undefined) continue;
      const roles: Role[] = Reflect.getMetadata(ALLOWED_ROLES, handler) ?? Reflect.getMetadata(ALLOWED_ROLES, controller) ?? [];
      const isPublic = Boolean(Reflect.getMetadata(PUBLIC_ROUTE, handler) ?? Reflect.getMetadata(PUBLIC_ROUTE, controller));
      for (const b of [base].flat()) {
        for (const p of [path].flat()) {
          routes.push({ method: RequestMethod[method] as RouteEntry['method'], path: join(b, p), roles, public: isPublic });
        }
      }
    }
  }
  return routes;
}

// @nestjs/microservices' key for @EventPattern / @MessagePattern.
const PATTERN_METADATA = 'microservices:pattern';

/** Every Kafka topic an application module consumes, read from its @EventPattern handlers and @BatchConsumes providers. */
export function consumedTopics(appModule: DynamicModule): string[] {
  const topics = new Set<string>();
  for (const controller of controllersOf(appModule)) {
    for (const name of Object.getOwnPropertyNames(controller.prototype)) {
      const handler = controller.prototype[name];
      if (name === 'constructor' || typeof handler !== 'function') continue;
      const patterns: unknown[] | undefined = Reflect.getMetadata(PATTERN_METADATA, handler);
      for (const pattern of (patterns ?? []).flat()) if (typeof pattern === 'string') topics.add(pattern);
    }
  }
  for (const consumption of batchConsumptions(appModule)) for (const topic of consumption.topics) topics.add(topic);
  return [...topics].sort();
}
