import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Service } from 'kubernetes-models/v1';

const DIR = resolve(import.meta.dirname, '../../../deploy/kubernetes');

type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> } } & Record<string, unknown>;

/** Each kind the manifests use, with its model of the Kubernetes API (kubernetes-models: the OpenAPI schemas of Kubernetes 1.27). */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'networking.k8s.io/v1/Ingress': Ingress,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Service': Service,
};
const CLUSTER_SCOPED = new Set(['Namespace']);

/**
 * What `kubectl kustomize deploy/kubernetes` makes of the kustomization as
 * it is written (its resources, its namespace, its labels without
 * selectors); where kubectl is installed the test checks the two agree.
 */
function render(): Manifest[] {
  const kustomization = parse(readFileSync(join(DIR, 'kustomization.yaml'), 'utf8')) as {
    namespace?: string;
    labels?: { pairs: Record<string, string>; includeSelectors?: boolean }[];
    resources: string[];
  };
  // YAML 1.1, as Kubernetes reads it: `defaultMode: 0440` is octal there (288), a decimal 440 in YAML 1.2.
  const docs = kustomization.resources.flatMap((file) =>
    parseAllDocuments(readFileSync(join(DIR, file), 'utf8'), { version: '1.1' })
      .map((doc) => doc.toJS() as Manifest | null)
      .filter((doc): doc is Manifest => doc !== null),
  );
  for (const doc of docs) {
    if (kustomization.namespace && !CLUSTER_SCOPED.has(doc.kind)) doc.metadata.namespace = kustomization.namespace;
    for (const { pairs } of kustomization.labels ?? []) doc.metadata.labels = { ...doc.metadata.labels, ...pairs };
  }
  return docs;
}

const keyOf = (doc: Manifest) => `${doc.kind}/${doc.metadata.namespace ?? ''}/${doc.metadata.name}`;
const validate = (doc: Manifest) => {
  const Model = MODELS[`${doc.apiVersion}/${doc.kind}`];
  if (!Model) throw new Error(`${doc.apiVersion} ${doc.kind} has no model here: add one`);
  new Model(doc as never).validate();
};

describe('deploy/kubernetes', () => {
  const docs = render();

  it('renders every app as a Deployment, a Service and a PodDisruptionBudget in the gridwork namespace', () => {
    const apps = ['gateway', 'org', 'grid', 'dispatch', 'timebank', 'admission'];
    for (const kind of ['Deployment', 'Service', 'PodDisruptionBudget']) {
      expect(docs.filter((doc) => doc.kind === kind).map((doc) => doc.metadata.name).sort()).toEqual([...apps].sort());
    }
    expect(docs.filter((doc) => !CLUSTER_SCOPED.has(doc.kind)).every((doc) => doc.metadata.namespace === 'gridwork')).toBe(true);
    expect(docs.every((doc) => doc.metadata.labels?.['app.kubernetes.io/part-of'] === 'gridwork')).toBe(true);
  });

  it('is valid by the Kubernetes API schemas, every document', () => {
    const invalid: string[] = [];
    for (const doc of docs) {
      try {
        validate(doc);
      } catch (error) {
        invalid.push(`${keyOf(doc)}: ${(error as Error).message}`);
      }
    }
    expect(invalid).toEqual([]);
  });

  it('tells a broken manifest apart (the check can fail)', () => {
    const deployment = structuredClone(docs.find((doc) => doc.kind === 'Deployment')!) as Manifest & { spec: { replicas: unknown } };
    deployment.spec.replicas = 'two';
    expect(() => validate(deployment)).toThrow(/replicas/);
    expect(() => validate({ ...deployment, kind: 'Deploymnet' })).toThrow(/no model/);
  });

  it('renders as kubectl kustomize does, where kubectl is installed', () => {
    const kubectl = spawnSync('kubectl', ['kustomize', DIR], { encoding: 'utf8' });
    if (kubectl.error) return; // not installed here: the render above is the kustomization as written
    expect(kubectl.status, kubectl.stderr).toBe(0);
    const theirs = parseAllDocuments(kubectl.stdout, { version: '1.1' }).map((doc) => doc.toJS() as Manifest);
    const byKey = (list: Manifest[]) => Object.fromEntries(list.map((doc) => [keyOf(doc), doc]));
    expect(byKey(theirs)).toEqual(byKey(docs));
  });
});
