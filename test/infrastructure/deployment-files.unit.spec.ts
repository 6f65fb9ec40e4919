import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

type Service = { image?: string; build?: unknown; environment?: Record<string, string>; volumes?: string[]; healthcheck?: { test: unknown }; depends_on?: Record<string, { condition: string }>; ports?: string[] };

describe('Deployment files', () => {
  const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as { services: Record<string, Service>; volumes: Record<string, unknown> };

  it('compose runs EventStoreDB 24.10+ as an insecure single node with a volume and a health check', () => {
    const esdb = compose.services.eventstore!;
    const [, major, minor] = /:(\d+)\.(\d+)/.exec(esdb.image ?? '') ?? [];
    expect(Number(major) * 100 + Number(minor), esdb.image).to.be.at.least(2410);
    expect(esdb.environment).to.include({ EVENTSTORE_CLUSTER_SIZE: '1', EVENTSTORE_INSECURE: 'true' });
    expect(esdb.volumes!.some((v) => v.endsWith(':/var/lib/eventstore'))).to.equal(true);
    expect(esdb.healthcheck).to.have.property('test');
  });

  it('compose runs MongoDB 7 with a volume and a health check', () => {
    const mongo = compose.services.mongo!;
    expect(mongo.image).to.match(/^mongo:7/);
    expect(mongo.volumes!.some((v) => v.endsWith(':/data/db'))).to.equal(true);
    expect(mongo.healthcheck).to.have.property('test');
  });

  it('compose builds the app, points it at both servers, waits for them healthy, and demands the secrets', () => {
    const app = compose.services.app!;
    expect(app.build).to.equal('.');
    expect(app.environment!.EVENTSTORE_CONNECTION_STRING).to.equal('esdb://eventstore:2113?tls=false');
    expect(app.environment!.MONGODB_URI).to.match(/^mongodb:\/\/mongo:27017\//);
    expect(app.environment!.SECRETS_KEY).to.match(/^\$\{SECRETS_KEY:\?/);
    expect(app.environment!.API_TOKENS).to.match(/^\$\{API_TOKENS:\?/);
    expect(app.depends_on).to.deep.equal({ eventstore: { condition: 'service_healthy' }, mongo: { condition: 'service_healthy' } });
    for (const volume of ['eventstore-data', 'mongo-data']) expect(compose.volumes).to.have.property(volume);
  });

  it('the Dockerfile is multi-stage, runs as a non-root user, and has a health check on /readyz', () => {
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    expect(dockerfile.match(/^FROM /gm)).to.have.length.at.least(2);
    expect(dockerfile).to.match(/^FROM node:20[^\n]* AS build$/m);
    expect(dockerfile).to.match(/npm prune --omit=dev/);
    expect(dockerfile).to.match(/^USER node$/m);
    expect(dockerfile).to.match(/^HEALTHCHECK [\s\S]*\/readyz/m);
    expect(dockerfile).to.match(/ENV [^\n]*HOST=0\.0\.0\.0/);
  });

  it('the image holds the command-line tool and the compiled code it loads', () => {
    const runStage = readFileSync('Dockerfile', 'utf8').split(/^FROM /m).at(-1)!;
    const copied = [...runStage.matchAll(/^COPY (?:--\S+ )*(\S+) (\S+)$/gm)].map(([, , to]) => to!.replace(/^\.\//, '').replace(/\/$/, ''));
    expect(copied, 'COPY lines of the run stage').to.include('bin');
    const loads = [...readFileSync('bin/ontrackio-mdm.js', 'utf8').matchAll(/from '\.\.\/([^']+)'/g)].map(([, path]) => path!);
    expect(loads).to.not.be.empty;
    for (const path of loads) expect(copied.some((dir) => path.startsWith(`${dir}/`)), `${path} is in the image`).to.equal(true);
  });

  it('the GitHub Actions workflow builds the image and starts the Compose stack, then asks the app through HTTP and its command line', () => {
    const workflow = parse(readFileSync('.github/workflows/ci.yml', 'utf8')) as { jobs: Record<string, { steps: Array<{ run?: string; if?: string }> }> };
    const runs = workflow.jobs.compose!.steps.map((step) => step.run ?? '').join('\n');
    expect(runs).to.match(/docker compose up --build [^\n]*--wait/);
    expect(runs).to.include('http://localhost:3000/readyz');
    expect(runs).to.include('docker compose exec -T app node bin/ontrackio-mdm.js history');
    expect(workflow.jobs.compose!.steps.some((step) => step.if === 'always()' && step.run?.startsWith('docker compose down'))).to.equal(true);
  });

  it('the GitHub Actions workflow runs the suites against EventStoreDB and MongoDB service containers', () => {
    const workflow = parse(readFileSync('.github/workflows/ci.yml', 'utf8')) as {
      jobs: { test: { services: Record<string, { image: string }>; env: Record<string, string>; steps: Array<{ run?: string; uses?: string; if?: string; with?: Record<string, string> }> } };
    };
    const job = workflow.jobs.test;
    expect(job.services.eventstore!.image).to.equal(compose.services.eventstore!.image);
    expect(job.services.mongo!.image).to.equal(compose.services.mongo!.image);
    expect(job.env.EVENTSTORE_CONNECTION_STRING).to.match(/^esdb:\/\/localhost:2113/);
    expect(job.env.MONGODB_URI).to.match(/^mongodb:\/\/localhost:27017/);
    expect(job.steps.map((s) => s.run)).to.include.members(['npm ci', 'npm test']);
    const screenshots = job.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'));
    expect(screenshots, 'the browser test screenshots are kept').to.deep.include({ if: 'always()' });
    expect(screenshots!.with!.path).to.equal('test-output/screenshots/');
  });

  it('the GitHub Actions workflow benchmarks the server on fresh EventStoreDB and MongoDB servers and puts the figures in the summary', () => {
    type Job = { services: Record<string, { image: string; env?: Record<string, string> }>; env: Record<string, string>; steps: Array<{ run?: string; if?: string; shell?: string }> };
    const workflow = parse(readFileSync('.github/workflows/ci.yml', 'utf8')) as { jobs: Record<string, Job> };
    const job = workflow.jobs['production-stores-bench']!;
    // A job of its own, so its EventStoreDB holds no import yet: the benchmark refuses one that does.
    expect(job.services.eventstore).to.deep.equal(workflow.jobs.test!.services.eventstore);
    expect(job.services.mongo).to.deep.equal(workflow.jobs.test!.services.mongo);
    expect(job.env.EVENTSTORE_CONNECTION_STRING).to.match(/^esdb:\/\/localhost:2113/);
    expect(job.env.MONGODB_URI).to.match(/^mongodb:\/\/localhost:27017/);
    const bench = job.steps.find((s) => s.run?.includes('bench -- --only production-stores'));
    expect(bench, 'the benchmark step').to.not.equal(undefined);
    expect(bench!.shell, 'bash, so a failed benchmark fails the step through the pipe').to.equal('bash');
    expect(job.steps.some((s) => s.if === 'always()' && s.run?.includes('$GITHUB_STEP_SUMMARY'))).to.equal(true);
  });
});
