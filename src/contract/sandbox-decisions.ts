import type { OpenAPIV3_1 } from 'openapi-types';

/**
 * `x-sandbox-decision`: where the contract says more than, or other than, the vendor's pages,
 * the element concerned (the document, an operation, a parameter, a response, a schema, a
 * catalogue entry, a security scheme) carries one sentence: what the pages say, what the sandbox
 * chose, and why. A partner reading the contract can tell the vendor's facts from ours; the docs
 * page and the README list them all, read from here.
 */
export const DECISION_KEY = 'x-sandbox-decision';

export interface SandboxDecision {
  /** The element it concerns, for people: `deactivatePromotionForCustomer`, `parameter customerId`. */
  readonly where: string;
  readonly decision: string;
}

/**
 * Every decision of the authored document (`$ref`s intact, so each is found once, where it is
 * written), in document order. A value that is not a sentence is a problem; the document's own
 * may be a list, for the decisions that concern the whole API.
 */
export function readSandboxDecisions(document: OpenAPIV3_1.Document, problems: string[] = []): SandboxDecision[] {
  const found: SandboxDecision[] = [];
  const visit = (node: unknown, path: readonly string[]): void => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, [...path, String(index)]));
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key !== DECISION_KEY) {
        visit(value, [...path, key]);
        continue;
      }
      const sentences = path.length === 0 && Array.isArray(value) ? (value as unknown[]) : [value];
      for (const sentence of sentences) {
        if (typeof sentence === 'string' && sentence.trim() !== '') found.push({ where: describePlace(document, path), decision: sentence.trim() });
        else problems.push(`/${[...path, key].join('/')}: ${DECISION_KEY} must be a sentence${path.length === 0 ? ' (or, on the document, a list of them)' : ''}`);
      }
    }
  };
  visit(document, []);
  return found;
}

/** A JSON path in the document, said as people name the element. */
function describePlace(document: OpenAPIV3_1.Document, path: readonly string[]): string {
  const [section, group, name, ...rest] = path;
  if (path.length === 0) return 'the whole API';
  if (section === 'paths' && group !== undefined && name !== undefined) {
    const operation = (document.paths?.[group] as Record<string, { operationId?: string }> | undefined)?.[name];
    return [operation?.operationId ?? `${name.toUpperCase()} ${group}`, ...rest].join(' ');
  }
  if (section === 'components' && name !== undefined) {
    const component = (document.components as Record<string, Record<string, Record<string, unknown>>> | undefined)?.[group ?? '']?.[name];
    const inner = rest.filter((part) => part !== 'properties');
    switch (group) {
      case 'parameters':
        return `parameter ${typeof component?.name === 'string' ? component.name : name}`;
      case 'examples': {
        const code = (component?.value as { errors?: { code?: number }[] } | undefined)?.errors?.[0]?.code;
        return `error ${code ?? '?'} ${name}`;
      }
      case 'schemas':
        return `schema ${[name, ...inner].join('.')}`;
      case 'securitySchemes':
        return `authentication ${name}`;
      case 'responses':
        return `response ${name}`;
      case 'requestBodies':
        return `request body ${name}`;
      default:
        return [group, name, ...inner].join(' ');
    }
  }
  return `/${path.join('/')}`;
}

/** The decisions as a Markdown list: the served document's description and the README show it. */
export function decisionList(decisions: readonly SandboxDecision[]): string {
  return decisions.map(({ where, decision }) => `- **${where}**: ${decision.replaceAll('\n', ' ')}`).join('\n');
}
