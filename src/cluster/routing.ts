/**
 * Routing strategies: pure functions from the workers the registry knows, the request and the router's small
 * memory (round-robin cursor, sticky sessions) to a choice and the next memory. No clock, no I/O: each strategy
 * is tested with tables, and the controller owns the only mutable copy of the memory.
 */
import type { InferenceRequest, ModelTier } from '../../generated/index.js';
import { NoWorkerAvailableError } from './errors.js';
import type { WorkerInfo } from './worker-info.js';

/** The strategies of `load_balancing.strategy`. */
export type StrategyName = 'round_robin' | 'least_loaded' | 'hardware_aware';

/** What a model needs from a worker: its size tier and, when known, the memory it takes. */
export interface ModelRequirement {
  tier: ModelTier;
  /** Unified memory the model needs, in GB; when unknown only the tier is checked. */
  memoryGB?: number;
}

/** The part of the router that changes between requests. */
export interface RouterMemory {
  /** Round robin: how many choices were made so far (the next worker is this modulo the candidates). */
  readonly turn: number;
  /** Sticky sessions: the worker each session went to. */
  readonly sessions: ReadonlyMap<string, string>;
}

/** A fresh memory. */
export function initialMemory(): { turn: number; sessions: Map<string, string> } {
  return { turn: 0, sessions: new Map() };
}

/** Most sessions remembered; the oldest are forgotten first, so memory stays bounded. */
export const MAX_SESSIONS = 10_000;

/** What a strategy is asked. */
export interface RouteInput {
  /** The registry's snapshot, in worker id order (the registry keeps it so; round robin relies on it). */
  workers: readonly WorkerInfo[];
  request: Pick<InferenceRequest, 'modelId' | 'sessionId'>;
  /** What the request's model needs; undefined: any worker can serve it. */
  model?: ModelRequirement | undefined;
  /** Workers not to pick (they already failed this request). */
  exclude?: ReadonlySet<string>;
  /** Keep a session on its worker while that worker is usable. */
  sticky: boolean;
  memory: RouterMemory;
}

/** A choice: the worker, why it was chosen, and what the router must remember. */
export interface RouteChoice {
  workerId: string;
  /** A short human explanation, e.g. `least_loaded: 1 of 4 slots in use`. */
  reason: string;
  /** The round-robin turn to use next. */
  turn: number;
  /** Sticky sessions: the session to remember on this worker (the caller keeps the map; see {@link rememberChoice}). */
  session: readonly [sessionId: string, workerId: string] | undefined;
}

/** Free slots of a worker: how many more requests it takes before it is busy. */
export function freeSlots(worker: WorkerInfo): number {
  return Math.max(0, worker.maxConcurrent - worker.load);
}

/** Whether `worker` serves the model id: it lists it, or it lists no models (it takes any). */
export function servesModel(worker: WorkerInfo, modelId: string): boolean {
  return worker.models === undefined || worker.models.includes(modelId);
}

/** Whether `worker` can serve `model` (its tiers and its free memory). */
export function fitsModel(worker: WorkerInfo, model: ModelRequirement | undefined): boolean {
  if (model === undefined) return true;
  if (!worker.supportedModelTiers.includes(model.tier)) return false;
  return model.memoryGB === undefined || worker.availableMemoryGB >= model.memoryGB;
}

/**
 * A model's requirement read from its id when it names a parameter count (`llama-3.1-8b-instruct-4bit`,
 * `Qwen2.5-32B`): the tier by parameter count, and about 0.5 GB per billion parameters of 4-bit weights plus 20%
 * for the KV cache. Undefined when the id names no size.
 */
export function requirementFromModelId(modelId: string): ModelRequirement | undefined {
  const match = /(?:^|[^a-z0-9.])(\d+(?:\.\d+)?)b(?![a-z0-9])/i.exec(modelId);
  if (match?.[1] === undefined) return undefined;
  const billions = Number(match[1]);
  const tier: ModelTier = billions < 3 ? 'tiny' : billions < 10 ? 'small' : billions < 40 ? 'medium' : billions < 100 ? 'large' : 'xlarge';
  return { tier, memoryGB: Math.round(billions * 0.5 * 1.2 * 10) / 10 };
}

/** Rank of a chip for tie-breaks: generation first, then Ultra > Max > Pro > base. */
export function chipRank(chip: string): number {
  const match = /^Apple M(\d+)(?: (Pro|Max|Ultra))?$/.exec(chip);
  if (match === null) return 0;
  const variant = match[2] === 'Ultra' ? 3 : match[2] === 'Max' ? 2 : match[2] === 'Pro' ? 1 : 0;
  return Number(match[1]) * 4 + variant;
}

/** The workers a request may go to: reachable, not excluded, fitting its model, not busy, and in the best health. */
interface Pool {
  /** `online` when any healthy worker fits; degraded workers are used only when none does. */
  state: 'online' | 'degraded';
  size: number;
  input: RouteInput;
}

/** Whether `w` is in the pool (no closure per request: picks stay free of garbage). */
function inPool(w: WorkerInfo, pool: Pool): boolean {
  const { input } = pool;
  return w.state === pool.state && !(input.exclude?.has(w.workerId) ?? false) && servesModel(w, input.request.modelId) && fitsModel(w, input.model);
}

/**
 * The pool for the request, or the reason it is empty. Allocation-free passes over the snapshot: a controller
 * may know a thousand workers, and routing must stay in the microseconds.
 */
function poolFor(input: RouteInput): Pool | NoWorkerAvailableError {
  let reachable = 0;
  let serving = 0;
  let fitting = 0;
  let healthy = 0;
  let degraded = 0;
  for (const w of input.workers) {
    if (w.state === 'offline' || (input.exclude?.has(w.workerId) ?? false)) continue;
    reachable += 1;
    if (!servesModel(w, input.request.modelId)) continue;
    serving += 1;
    if (!fitsModel(w, input.model)) continue;
    fitting += 1;
    if (w.state === 'online') healthy += 1;
    else if (w.state === 'degraded') degraded += 1;
  }
  if (reachable === 0) {
    const tried = input.exclude === undefined || input.exclude.size === 0 ? '' : ` (${input.exclude.size} already tried for this request)`;
    return new NoWorkerAvailableError('none_online', `no worker is online${tried}; ${input.workers.length} known`);
  }
  if (serving === 0) {
    return new NoWorkerAvailableError('model_not_served', `no online worker serves the model ${input.request.modelId}; ${reachable} online`);
  }
  if (fitting === 0) {
    const model = input.model;
    const need = model === undefined ? '' : `tier ${model.tier}${model.memoryGB === undefined ? '' : ` and ${model.memoryGB} GB free`}`;
    return new NoWorkerAvailableError('no_tier_fits', `no online worker can serve ${input.request.modelId} (needs ${need}); ${reachable} online`);
  }
  if (healthy + degraded === 0)
    return new NoWorkerAvailableError('all_busy', `all ${fitting} workers that can serve ${input.request.modelId} are at maxConcurrent`);
  return { state: healthy > 0 ? 'online' : 'degraded', size: healthy > 0 ? healthy : degraded, input };
}

/** The worker of the pool that `better` prefers to all others (a linear scan, no sort, no copy). */
function best(workers: readonly WorkerInfo[], pool: Pool, better: (a: WorkerInfo, b: WorkerInfo) => boolean): WorkerInfo {
  let chosen: WorkerInfo | undefined;
  for (const w of workers) if (inPool(w, pool) && (chosen === undefined || better(w, chosen))) chosen = w;
  return chosen as WorkerInfo;
}

/** Walks the pool in snapshot order, which the registry keeps by worker id. */
function pickRoundRobin(workers: readonly WorkerInfo[], pool: Pool, turn: number): { worker: WorkerInfo; reason: string } {
  let k = turn % pool.size;
  let worker: WorkerInfo | undefined;
  for (const w of workers) {
    if (!inPool(w, pool)) continue;
    if (k === 0) {
      worker = w;
      break;
    }
    k -= 1;
  }
  return { worker: worker as WorkerInfo, reason: `round_robin: turn ${turn} over ${pool.size} workers` };
}

/** least_loaded's order: the lower share of slots in use, then the lower load, then the lower id. */
function lessLoaded(a: WorkerInfo, b: WorkerInfo): boolean {
  const share = a.load / a.maxConcurrent - b.load / b.maxConcurrent;
  return share < 0 || (share === 0 && (a.load < b.load || (a.load === b.load && a.workerId < b.workerId)));
}

/** hardware_aware's order: more free slots, then the newer chip, then more memory, then the lower id. */
function betterHardware(a: WorkerInfo, b: WorkerInfo): boolean {
  const order = freeSlots(a) - freeSlots(b) || chipRank(a.chip) - chipRank(b.chip) || a.unifiedMemoryGB - b.unifiedMemoryGB;
  return order > 0 || (order === 0 && a.workerId < b.workerId);
}

function pickLeastLoaded(workers: readonly WorkerInfo[], pool: Pool): { worker: WorkerInfo; reason: string } {
  const worker = best(workers, pool, lessLoaded);
  return { worker, reason: `least_loaded: ${worker.load} of ${worker.maxConcurrent} slots in use` };
}

function pickHardwareAware(workers: readonly WorkerInfo[], pool: Pool, model: ModelRequirement | undefined): { worker: WorkerInfo; reason: string } {
  const worker = best(workers, pool, betterHardware);
  const fit = model === undefined ? 'any model' : `tier ${model.tier}`;
  return { worker, reason: `hardware_aware: ${fit}, ${freeSlots(worker)} free slots, ${worker.chip}, ${worker.unifiedMemoryGB} GB` };
}

/**
 * Applies a choice to the router's memory in place (the one mutable copy is the caller's): the next turn and
 * the session, forgetting the least recently routed session past `maxSessions`.
 */
export function rememberChoice(memory: { turn: number; sessions: Map<string, string> }, choice: RouteChoice, maxSessions = MAX_SESSIONS): void {
  memory.turn = choice.turn;
  if (choice.session === undefined) return;
  const [sessionId, workerId] = choice.session;
  memory.sessions.delete(sessionId);
  memory.sessions.set(sessionId, workerId);
  if (memory.sessions.size > maxSessions) memory.sessions.delete(memory.sessions.keys().next().value as string);
}

/**
 * Chooses a worker for the request with `strategy`, or returns a `NoWorkerAvailableError` saying why none fits
 * (none online, all busy, no tier fits). Offline, unknown and excluded workers are never chosen. With `sticky`,
 * a session stays on its worker while that worker is usable, and moves (and is remembered anew) when it is not.
 */
export function route(strategy: StrategyName, input: RouteInput): RouteChoice | NoWorkerAvailableError {
  const pool = poolFor(input);
  if (pool instanceof NoWorkerAvailableError) return pool;
  const sessionId = input.sticky ? input.request.sessionId : undefined;
  if (sessionId !== undefined) {
    const previous = input.memory.sessions.get(sessionId);
    const kept = previous === undefined ? undefined : input.workers.find((w) => w.workerId === previous && inPool(w, pool));
    if (kept !== undefined)
      return { workerId: kept.workerId, reason: `sticky session ${sessionId}`, turn: input.memory.turn, session: [sessionId, kept.workerId] };
  }
  const { workers } = input;
  const picked =
    strategy === 'round_robin'
      ? pickRoundRobin(workers, pool, input.memory.turn)
      : strategy === 'least_loaded'
        ? pickLeastLoaded(workers, pool)
        : pickHardwareAware(workers, pool, input.model);
  const session = sessionId === undefined ? undefined : ([sessionId, picked.worker.workerId] as const);
  return { workerId: picked.worker.workerId, reason: picked.reason, turn: input.memory.turn + 1, session };
}
