/**
 * The own scenario of docs/scenarios.md ("Writing your own scenario"), "vip-open-cart": a VIP customer with a
 * cart waiting at the till, for a customer of the caller's choosing (the doc's by default).
 */
export const vipOpenCart = (customerId = '555000111', code = 737): string => `# yaml-language-server: $schema=./scenario.schema.json
name: vip-open-cart
description: Our VIP test customer has a cart waiting at the till.
operations: [deactivatePromotionForCustomer]
code: ${code}
world:
  customers:
    - id: ${customerId}
      pendingCart: { evaluationId: 65f0c0ffee0000000000e001 }
magic:
  customerId: ${customerId}
`;
