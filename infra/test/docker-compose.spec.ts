import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

// Docker cannot run here, so the compose file is checked structurally: what each service runs,
// which networks it is on, and that the database URLs name services on a shared network.

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  networks?: string[];
  depends_on?: Record<string, { condition: string }>;
}

const root = join(__dirname, '..', '..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  networks: Record<string, { internal?: boolean }>;
};
const services = compose.services;

describe('docker-compose.yml', () => {
  it('builds the apps from infra/Dockerfile and runs CLI entry points that exist', () => {
    const apps = Object.entries(services).filter(([, s]) => s.build);
    expect(apps.map(([name]) => name).sort()).toEqual([
      'connector-api',
      'connector-seed',
      'etl-worker',
      'records-api',
      'records-loader',
      'records-migrate',
      'relations-loader',
    ]);
    for (const [, service] of apps) {
      expect(existsSync(join(root, service.build!.context, service.build!.dockerfile))).toBe(true);
      // The image runs the compiled entry point; its source must exist and the app must build.
      const entry = service.command![0]!;
      expect(entry).toMatch(/^apps\/[a-z-]+\/dist\/cli\.js$/);
      expect(existsSync(join(root, entry.replace('/dist/cli.js', '/src/cli.ts')))).toBe(true);
      const manifest = JSON.parse(
        readFileSync(join(root, entry.replace('/dist/cli.js', '/package.json')), 'utf8'),
      );
      expect(manifest.scripts.build).toBe('tsc -p tsconfig.build.json');
    }
    const dockerfile = readFileSync(join(root, 'infra/Dockerfile'), 'utf8');
    expect(dockerfile).toContain('RUN npx nx run-many -t build');
    expect(dockerfile).toContain('ENTRYPOINT ["node"]');
  });

  it('copies into the image every workspace package manifest', () => {
    const dockerfile = readFileSync(join(root, 'infra/Dockerfile'), 'utf8');
    const workspaces = readdirSync(join(root, 'apps'))
      .map((name) => `apps/${name}`)
      .concat(
        readdirSync(join(root, 'libs')).map((name) => `libs/${name}`),
        ['infra'],
      );
    for (const dir of workspaces) expect(dockerfile).toContain(`COPY ${dir}/package.json ${dir}/`);
  });

  it('keeps the databases on internal networks and publishes only the API port', () => {
    for (const network of ['source-net', 'target-net', 'api-net'])
      expect(compose.networks[network]).toEqual({ internal: true });
    expect(services['source-db']!.networks).toEqual(['source-net']);
    expect(services['target-db']!.networks).toEqual(['target-net']);
    expect(services['etl-worker']!.networks).toEqual(['api-net', 'target-net']);
    expect(services['etl-worker']!.environment!['CONNECTOR_API_URL']).toBe('http://connector-api:3001');
    expect(services['connector-api']!.networks).toContain('api-net');
    expect(services['source-db']!.ports).toBeUndefined();
    expect(services['connector-seed']!.ports).toBeUndefined();
    expect(services['connector-api']!.ports).toEqual(['3001:3001']);
    const published = Object.entries(services)
      .filter(([, s]) => s.ports)
      .map(([name]) => name);
    expect(published).toEqual(['connector-api', 'records-gateway']);
  });

  it('isolates records: the API and the loader each reach only the records database; only the API port is published', () => {
    const members = (network: string) =>
      Object.entries(services)
        .filter(([, s]) => s.networks?.includes(network))
        .map(([name]) => name)
        .sort();
    expect(services['records-loader']!.networks).toEqual(['records-loader-net']);
    // records-migrate: the loader's image running its one-shot `migrate`, before the loader and the API.
    expect(members('records-loader-net')).toEqual(['records-db', 'records-loader', 'records-migrate']);
    expect(services['records-migrate']!.command).toEqual(['apps/records-loader/dist/cli.js', 'migrate']);
    for (const app of ['records-api', 'records-loader'])
      expect(services[app]!.depends_on!['records-migrate']).toEqual({
        condition: 'service_completed_successfully',
      });
    expect(compose.networks['records-loader-net']).toEqual({ internal: true });

    // The API: internal networks only (no egress); the one with the database holds nothing else, the
    // other holds only the gateway that publishes the API's port.
    expect(services['records-api']!.networks).toEqual(['records-api-net', 'records-ingress']);
    for (const network of services['records-api']!.networks!)
      expect(compose.networks[network]).toEqual({ internal: true });
    expect(members('records-api-net')).toEqual(['records-api', 'records-db']);
    expect(members('records-ingress')).toEqual(['records-api', 'records-gateway']);
    // The gateway: the only service on a network with egress, and no way to the database.
    const gateway = services['records-gateway']!;
    expect(gateway.networks).toEqual(['records-ingress', 'records-edge']);
    expect(members('records-edge')).toEqual(['records-gateway']);
    expect(gateway.ports).toEqual(['3002:3002']);
    expect(gateway.environment).toBeUndefined();
    expect(gateway.volumes).toEqual(['./infra/records-gateway/nginx.conf:/etc/nginx/nginx.conf:ro']);
    const conf = readFileSync(join(root, 'infra', 'records-gateway', 'nginx.conf'), 'utf8').replace(
      /#.*$/gm,
      '',
    );
    // A TCP pass-through (stream, no HTTP parsing) from its port 3002 to records-api:3002.
    expect(conf).toMatch(/stream\s*\{/);
    expect(conf).not.toMatch(/\bhttp\s*\{/);
    expect(conf).toMatch(/listen 3002;/);
    expect(conf).toMatch(/default records-api:3002;/);
    expect(conf).toMatch(/proxy_pass \$records_api;/);

    expect(services['records-db']!.networks!.sort()).toEqual(['records-api-net', 'records-loader-net']);
    expect(services['records-db']!.ports).toBeUndefined();
    expect(services['records-loader']!.ports).toBeUndefined();
    expect(services['records-api']!.ports).toBeUndefined();
    for (const app of ['records-api', 'records-loader', 'records-migrate']) {
      expect(services[app]!.environment!['RECORDS_DATABASE_URL']).toMatch(/@records-db:5432\/records$/);
      expect(Object.keys(services[app]!.environment!).filter((k) => k.endsWith('_URL'))).toEqual([
        'RECORDS_DATABASE_URL',
      ]);
    }
    // No default secret: compose refuses to start the API until admin tokens are given.
    expect(services['records-api']!.environment!['RECORDS_ADMIN_TOKENS']).toMatch(
      /^\$\{RECORDS_ADMIN_TOKENS:\?/,
    );
  });

  it('runs relations on MariaDB with an accent- and case-sensitive collation, daily in America/Bogota', () => {
    expect(services['relations-db']!.image).toMatch(/^mariadb:/);
    expect(services['relations-db']!.command).toContain('--collation-server=utf8mb4_bin');
    expect(services['relations-db']!.networks).toEqual(['relations-net']);
    expect(compose.networks['relations-net']).toEqual({ internal: true });
    const loader = services['relations-loader']!;
    expect(loader.command).toEqual(['apps/relations-loader/dist/cli.js', 'worker']);
    expect(loader.environment!['RELATIONS_DATABASE_URL']).toMatch(
      /^mysql:\/\/.*@relations-db:3306\/relations$/,
    );
    expect(loader.environment!['RELATIONS_TIME_ZONE']).toBe('America/Bogota');
    expect(loader.ports).toBeUndefined();
  });

  it('points every database URL at a database service on a network the app shares', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [key, value] of Object.entries(service.environment ?? {})) {
        if (!key.endsWith('_DATABASE_URL')) continue;
        const host = new URL(value.replace(/\$\{[^}]+\}/g, 'x')).hostname;
        expect(services[host]).toBeDefined();
        const shared = (service.networks ?? []).filter((n) => services[host]!.networks?.includes(n));
        expect({ name, shared: shared.length > 0 }).toEqual({ name, shared: true });
        expect(service.depends_on?.[host]?.condition).toBe('service_healthy');
        expect(compose.networks[shared[0]!]).toEqual({ internal: true });
      }
    }
  });
});
