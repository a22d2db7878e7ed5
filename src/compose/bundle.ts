import { stringify } from "yaml";
import type { ProjectConfig } from "../config/project.ts";
import { ingressRoutes, nginxPathPattern, nginxRewriteTarget } from "../render/ingress.ts";
import { objectName } from "../render/names.ts";
import { generatedHeader } from "../render/yaml-text.ts";
import type { StageModel } from "../values/load.ts";
import type { ServiceValues, Values } from "../values/schema.ts";

/**
 * The docker-compose bundle of a kind stage: the same services, images, env, secrets and routes
 * as its kind rendering, for CI runners where kind is too slow. Pure: values in, files out.
 */
export interface BundleFile {
  /** Path relative to the repository root. */
  path: string;
  text: string;
}

export interface RenderedBundle {
  stage: string;
  /** `compose/<stage>`: the whole folder is generated; anything else in it is removed by `generate`. */
  dir: string;
  files: BundleFile[];
}

export const composeFileName = "docker-compose.yml";
export const nginxFileName = "nginx.conf";
/** What the e2e action waits for: one check a line, `<compose service> <direct|proxy|exec> <URL or command>`. */
export const healthChecksFileName = "health-checks.txt";
export const proxyService = "jore4-proxy";
/** The proxy's image when `PROXY_DOCKER_IMAGE` does not name another. */
export const proxyImage = "nginx:1.27-alpine";
const networkName = "jore4";

/** `ui` → `UI_DOCKER_IMAGE`: the variable that overrides a service's image (the names remotecluster.sh uses). */
export function imageVariable(service: string): string {
  return `${service.toUpperCase().replaceAll("-", "_")}_DOCKER_IMAGE`;
}

export function bundleDir(config: ProjectConfig, stage: string): string {
  return `${config.paths.compose}/${stage}`;
}

/** Compose interpolates `$` in every value: a literal one is written `$$`. */
const literal = (value: string) => value.replaceAll("$", "$$$$");

function sorted<T>(record: Record<string, T>): [string, T][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

const secretName = (service: string, file: string) => `${service}-${file}`;
const secretPath = (service: string, file: string) => `secrets/${service}/${file}`;

/**
 * The kind probe as a compose healthcheck: an HTTP GET inside the container (wget or curl), or the
 * command. Checked every 5 s, so a service counts as healthy (and what depends on it starts) at
 * most 5 s after it answers; failures in the first 120 s do not count. No `start_interval`: compose
 * refuses it on engines before 25 (Debian 12's docker.io is 20.10), and the bundle runs on both.
 */
function healthcheck(service: ServiceValues): Record<string, unknown> | undefined {
  const timing = { interval: "5s", timeout: "5s", retries: 3, start_period: "120s" };
  if (service.probe?.httpPath) {
    const url = `http://localhost:${service.containerPort}${service.probe.httpPath}`;
    return {
      test: ["CMD-SHELL", literal(`wget -q -O /dev/null ${url} || curl -fsS -o /dev/null ${url}`)],
      ...timing,
    };
  }
  if (service.probe?.command) return { test: ["CMD", ...service.probe.command.map(literal)], ...timing };
  return undefined;
}

/**
 * `depends_on` of the named services: compose starts them first and waits until each is healthy,
 * or only started when it has no healthcheck to wait for.
 */
function dependsOn(names: readonly string[], values: Values): Record<string, { condition: string }> {
  return Object.fromEntries(
    [...new Set(names)]
      .sort()
      .map((name) => [
        objectName(name),
        { condition: values.services[name]?.probe ? "service_healthy" : "service_started" },
      ]),
  );
}

function composeService(name: string, service: ServiceValues, values: Values): Record<string, unknown> {
  const secrets = sorted(service.secrets).map(([file]) => ({
    source: secretName(name, file),
    target: `${values.secretStore.mountPath}/${file}`,
  }));
  const check = healthcheck(service);
  return {
    image: `\${${imageVariable(name)}:-${service.image}}`,
    container_name: name,
    restart: "unless-stopped",
    networks: [networkName],
    ...(Object.keys(service.env).length > 0
      ? { environment: Object.fromEntries(sorted(service.env).map(([key, value]) => [key, literal(String(value))])) }
      : {}),
    ...(service.localPort !== undefined ? { ports: [`127.0.0.1:${service.localPort}:${service.containerPort}`] } : {}),
    ...(secrets.length > 0 ? { secrets } : {}),
    ...(check ? { healthcheck: check } : {}),
    ...(service.dependsOn.length > 0 ? { depends_on: dependsOn(service.dependsOn, values) } : {}),
  };
}

/** nginx with the kind ingress's routes: the same regexes, longest prefix first, the prefix cut the same way. */
export function renderNginxConfig(values: Values, sources: readonly string[]): string {
  const locations = ingressRoutes(values).flatMap((route) => [
    `  location ~ ^${nginxPathPattern(route.prefix)} {`,
    `    rewrite ^${nginxPathPattern(route.prefix)}$ ${nginxRewriteTarget} break;`,
    `    proxy_pass http://${route.service}:${route.port};`,
    "  }",
  ]);
  return [
    generatedHeader(sources),
    "map $http_upgrade $connection_upgrade {",
    "  default upgrade;",
    "  '' close;",
    "}",
    "",
    "server {",
    "  listen 80;",
    "  client_max_body_size 100m;",
    "  proxy_http_version 1.1;",
    // $http_host, as the kind ingress (ingress-nginx) and the original proxy pass it: with the port
    // the browser used, which a service's redirects need ($host drops it).
    "  proxy_set_header Host $http_host;",
    "  proxy_set_header X-Real-IP $remote_addr;",
    "  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
    "  proxy_set_header X-Forwarded-Proto $scheme;",
    "  proxy_set_header Upgrade $http_upgrade;",
    "  proxy_set_header Connection $connection_upgrade;",
    "",
    ...locations,
    "}",
    "",
  ].join("\n");
}

export function renderComposeFile(model: StageModel): Record<string, unknown> {
  const { values } = model;
  const enabled = sorted(values.services).filter(([, service]) => service.enabled);
  const services: Record<string, unknown> = Object.fromEntries(
    enabled.map(([name, service]) => [objectName(name), composeService(name, service, values)]),
  );
  const routed = enabled.filter(([, service]) => service.ingressPath !== undefined).map(([name]) => name);
  if (values.ingress.hostPort !== undefined && routed.length > 0)
    services[proxyService] = {
      image: `\${${imageVariable("proxy")}:-${proxyImage}}`,
      container_name: "proxy",
      restart: "unless-stopped",
      networks: [networkName],
      ports: [`127.0.0.1:${values.ingress.hostPort}:80`],
      volumes: [`./${nginxFileName}:/etc/nginx/conf.d/default.conf:ro`],
      // nginx resolves every upstream when it starts: the routed services come first, healthy.
      depends_on: dependsOn(routed, values),
    };
  const secrets = Object.fromEntries(
    enabled.flatMap(([name, service]) =>
      sorted(service.secrets).map(([file]) => [secretName(name, file), { file: `./${secretPath(name, file)}` }]),
    ),
  );
  return {
    name: `jore4-${model.stage.name}`,
    services,
    networks: { [networkName]: { name: networkName } },
    ...(Object.keys(secrets).length > 0 ? { secrets } : {}),
  };
}

/**
 * The checks that tell the environment is up: each HTTP probe on the service's local port, and
 * through the proxy where the ingress routes it (prefix, then the probe path); command probes run
 * in the container. `#` lines are comments.
 */
export function renderHealthChecks(values: Values, sources: readonly string[]): string {
  const routes = ingressRoutes(values);
  const lines = sorted(values.services)
    .filter(([, service]) => service.enabled)
    .flatMap(([name, service]) => {
      const compose = objectName(name);
      if (service.probe?.command) return [`${compose} exec ${service.probe.command.join(" ")}`];
      if (!service.probe?.httpPath) return [];
      const checks =
        service.localPort !== undefined
          ? [`${compose} direct http://127.0.0.1:${service.localPort}${service.probe.httpPath}`]
          : [];
      const route = routes.find((candidate) => candidate.service === compose);
      if (route && values.ingress.hostPort !== undefined) {
        const prefix = route.prefix === "/" ? "" : route.prefix;
        checks.push(`${compose} proxy http://127.0.0.1:${values.ingress.hostPort}${prefix}${service.probe.httpPath}`);
      }
      return checks;
    });
  return [generatedHeader(sources), ...lines, ""].join("\n");
}

/** Every file of the stage's bundle: the compose file, the proxy's nginx configuration, one file per secret. */
export function renderBundle(config: ProjectConfig, model: StageModel): RenderedBundle {
  const dir = bundleDir(config, model.stage.name);
  const { values } = model;
  const valuesFiles = model.valuesSources.map((source) => source.file);
  const compose = `${generatedHeader(valuesFiles)}\n${stringify(renderComposeFile(model), { lineWidth: 0 })}`;
  const secrets = sorted(values.services)
    .filter(([, service]) => service.enabled)
    .flatMap(([name, service]) =>
      sorted(service.secrets).map(([file, secret]) => ({
        path: `${dir}/${secretPath(name, file)}`,
        text: String(secret.local ?? ""),
      })),
    );
  return {
    stage: model.stage.name,
    dir,
    files: [
      { path: `${dir}/${composeFileName}`, text: compose },
      { path: `${dir}/${nginxFileName}`, text: renderNginxConfig(values, valuesFiles) },
      { path: `${dir}/${healthChecksFileName}`, text: renderHealthChecks(values, valuesFiles) },
      ...secrets,
    ],
  };
}
