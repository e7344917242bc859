/**
 * Rule `message-send-receive`: every message of a channel with an address is sent by a `send` operation and received
 * by a `receive` operation of that channel. A contract that describes every party of a system (as a contract with
 * roles does) and leaves a message without a sender or a receiver describes a message nobody sends or nobody reads:
 * its generated functions have no user, and the permissions grant nobody its subject. (A reply travels on the
 * requester's inbox, a channel without an address, and is left out.)
 */
import { childPointer } from '../input/sources.js';
import { channelAt, namesRoles, operationsOf } from './walk.js';
import type { ContractRule, Finding } from './rule.js';

export const messageSendReceive: ContractRule = {
  name: 'message-send-receive',
  description: 'every message of an addressed channel is sent by a send operation and received by a receive operation',
  defaultSeverity: 'warning',
  appliesByDefault: namesRoles,
  runs: 'clean',
  check(context) {
    const findings: Finding[] = [];
    const operations = operationsOf(context);
    for (const channel of context.document?.channels().all() ?? []) {
      if (typeof channel.address() !== 'string') continue;
      const at = channelAt(context, channel.id());
      const on = operations.filter((o) =>
        o.operation
          .channels()
          .all()
          .some((c) => c.id() === channel.id()),
      );
      for (const message of channel.messages().all()) {
        const handles = (action: 'send' | 'receive'): boolean =>
          on.some(
            (o) =>
              o.operation.action() === action &&
              o.operation
                .messages()
                .all()
                .some((m) => m.json() === message.json()),
          );
        const missing = (['send', 'receive'] as const).filter((action) => !handles(action));
        if (missing.length === 0) continue;
        const name = message.name() ?? message.id();
        const what = missing.length === 2 ? 'neither sent nor received' : missing[0] === 'send' ? 'never sent' : 'never received';
        const add = missing.map((action) => `a "${action}" operation`).join(' and ');
        findings.push({
          // The channel's entry for the message, where the operations' `messages` refer to it.
          at: message.meta().pointer.startsWith('/channels/')
            ? { file: context.mainFile, pointer: message.meta().pointer }
            : { file: at.file, pointer: childPointer(at.pointer, 'messages') },
          message: `message "${name}" of channel "${channel.id()}" is ${what}: add ${add} on the channel that lists it (tagged with the role that ${missing.length === 2 ? 'does each' : missing[0] === 'send' ? 'sends it' : 'receives it'}), or remove the message`,
          scope: [at, ...on.map((o) => o.at)],
        });
      }
    }
    return findings;
  },
};
