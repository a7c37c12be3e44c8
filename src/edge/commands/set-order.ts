import { DomainError } from '../../domain/domain-error.js';
import { orderProblems, type OrderDraft } from '../../domain/orders.js';
import { ORDERS_SERVICE, type OrdersService } from '../orders/orders.extension.js';
import type { CommandDeps } from './deps.js';
import { CommandFailure, type CommandHandler } from './types.js';

/**
 * set_order (issue 14): the factory sends a production order to this edge's line through the
 * command pipeline (MANAGER, like push_config; delivered, acknowledged, retried and reported like
 * every command). Idempotent by the order's number: a command resent after a lost result finds
 * the order it made. With `start`, the order is started too: CONFLICT while another is active.
 */
export const setOrder =
  (deps: CommandDeps): CommandHandler<'set_order'> =>
  async (params, { logger, commandId }) => {
    const orders = deps.system.services[ORDERS_SERVICE] as OrdersService | undefined;
    if (!orders) throw new CommandFailure('NOT_ENABLED', 'production orders are not available on this edge');
    const draft: OrderDraft = {
      number: params.order.number,
      productId: params.order.productId ?? null,
      productName: params.order.productName ?? null,
      gtins: params.order.gtins,
      lot: params.order.lot,
      productionDate: params.order.productionDate,
      expiryDate: params.order.expiryDate,
      plannedQuantity: params.order.plannedQuantity,
      fields: params.order.fields ?? {},
    };
    const problems = orderProblems(draft);
    if (problems.length > 0) throw new CommandFailure('INVALID_ORDER', problems.map((p) => `${p.field}: ${p.reason}`).join('; '), { problems });
    try {
      const { order, created } = await orders.receive(draft, params.start, 'factory');
      logger.info({ commandId, order: order.id, number: order.number, created, status: order.status }, 'order received from the factory');
      return { orderId: order.id, number: order.number, status: order.status, created };
    } catch (error) {
      if (error instanceof DomainError) throw new CommandFailure(error.kind, error.message);
      throw error;
    }
  };
