// The team's own code on its generated channels, type-checked under strict by scripts/verify-package.sh in a fresh
// project: a wrong payload or parameter would not compile.
import { NatsClient } from '@mlx-serving/distributed';
import { channels, type OrderConfirmed, type OrderPlaced } from './generated/index.js';

export async function placeOrder(client: NatsClient, order: OrderPlaced): Promise<void> {
  await channels.orderPlaced.publish(client, { orderId: order.orderId }, order);
}

export async function onConfirmation(client: NatsClient, handle: (confirmation: OrderConfirmed, orderId: string) => void): Promise<void> {
  await channels.orderConfirmed.subscribe(client, { orderId: '*' }, (confirmation, { params }) => {
    handle(confirmation, params.orderId);
  });
}
