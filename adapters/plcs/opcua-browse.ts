/**
 * Lists a PLC's variables for `GET /plcs/{id}/tags`: a breadth-first walk of hierarchical
 * references from the Objects folder, one Browse request per level (a PLC has thousands of
 * nodes; one request per node would take seconds). The walk is bounded in depth and node count
 * so a server with a huge or cyclic address space cannot stall the PLC actor.
 * Namespace 0 (the standard Server object and its diagnostics) is skipped: it holds no line tags.
 */
import {
  AttributeIds,
  BrowseDirection,
  DataType,
  NodeClass,
  NodeClassMask,
  ObjectIds,
  makeNodeId,
  type BrowseDescriptionLike,
  type BrowseResult,
  type ClientSession,
  type NodeId,
  type ReferenceDescription,
} from 'node-opcua';
import { plcDataTypeOf } from './opcua-values.js';
import type { PlcTag } from './plc-driver.js';

export interface OpcUaBrowseLimits {
  /** Levels below Objects to descend (Objects/Line/Eject is depth 2). */
  maxDepth: number;
  /** Objects and variables visited in all. */
  maxNodes: number;
  /** Bound on the whole walk, in ms. */
  timeoutMs: number;
}

export const DEFAULT_BROWSE_LIMITS: OpcUaBrowseLimits = { maxDepth: 8, maxNodes: 2000, timeoutMs: 10_000 };

// AccessLevel bit 1 = CurrentWrite (OPC UA Part 3, AccessLevelType).
const CURRENT_WRITE = 0x02;

interface Found {
  nodeId: NodeId;
  path: string;
}

export async function browseOpcUaTags(session: ClientSession, limits: OpcUaBrowseLimits): Promise<PlcTag[]> {
  const variables: Found[] = [];
  const seen = new Set<string>();
  let level: Found[] = [{ nodeId: makeNodeId(ObjectIds.ObjectsFolder), path: '' }];
  for (let depth = 1; depth <= limits.maxDepth && level.length > 0 && seen.size < limits.maxNodes; depth++) {
    const results = await browseAll(session, level.map(({ nodeId }) => describe(nodeId)));
    const next: Found[] = [];
    results.forEach((references, index) => {
      for (const reference of references) {
        const nodeId = reference.nodeId as unknown as NodeId;
        const key = nodeId.toString();
        if (nodeId.namespace === 0 || seen.has(key) || seen.size >= limits.maxNodes) continue;
        seen.add(key);
        const parentPath = level[index]!.path;
        const found = { nodeId, path: parentPath ? `${parentPath}.${reference.browseName.name}` : String(reference.browseName.name) };
        if (reference.nodeClass === NodeClass.Variable) variables.push(found);
        // Variables can have children too (e.g. EURange properties), but line tags are their parents.
        if (reference.nodeClass === NodeClass.Object) next.push(found);
      }
    });
    level = next;
  }
  return describeVariables(session, variables);
}

function describe(nodeId: NodeId): BrowseDescriptionLike {
  return {
    nodeId,
    browseDirection: BrowseDirection.Forward,
    referenceTypeId: 'HierarchicalReferences',
    includeSubtypes: true,
    nodeClassMask: NodeClassMask.Object | NodeClassMask.Variable,
    resultMask: 0x3f,
  };
}

/** Browses every node of a level, following continuation points when a server pages its answer. */
async function browseAll(session: ClientSession, descriptions: BrowseDescriptionLike[]): Promise<ReferenceDescription[][]> {
  if (descriptions.length === 0) return [];
  const results: BrowseResult[] = await session.browse(descriptions);
  const all = results.map((result) => [...(result.references ?? [])]);
  let pending = results.map((result, index) => ({ index, point: result.continuationPoint })).filter(({ point }) => point && point.length > 0);
  while (pending.length > 0) {
    const more = await session.browseNext(
      pending.map(({ point }) => point!),
      false,
    );
    pending = pending
      .map(({ index }, i) => {
        all[index]!.push(...(more[i]?.references ?? []));
        return { index, point: more[i]?.continuationPoint };
      })
      .filter(({ point }) => point && point.length > 0);
  }
  return all;
}

async function describeVariables(session: ClientSession, variables: Found[]): Promise<PlcTag[]> {
  if (variables.length === 0) return [];
  const reads = variables.flatMap(({ nodeId }) => [
    { nodeId, attributeId: AttributeIds.DataType },
    { nodeId, attributeId: AttributeIds.UserAccessLevel },
  ]);
  const values = await session.read(reads);
  return variables.map(({ nodeId, path }, i) => {
    const dataTypeId = values[2 * i]!.value.value as NodeId | null;
    const accessLevel = Number(values[2 * i + 1]!.value.value ?? 0);
    return {
      address: nodeId.toString(),
      name: path,
      dataType: dataTypeId && dataTypeId.namespace === 0 && typeof dataTypeId.value === 'number' && dataTypeId.value <= DataType.DiagnosticInfo ? plcDataTypeOf(dataTypeId.value as DataType) : 'unknown',
      writable: (accessLevel & CURRENT_WRITE) !== 0,
    };
  });
}
