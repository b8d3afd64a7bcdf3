/** Header names carried by every Gridwork message (architecture.md, Messaging). */
export const Headers = {
  /** JetStream de-duplication key: the event id. */
  msgId: 'Nats-Msg-Id',
  /** W3C trace context. */
  traceparent: 'traceparent',
  correlationId: 'Gov-Correlation-Id',
  /** Message type and version, e.g. `dispatch.case.assigned/1`. */
  schema: 'Gov-Schema',
  /** Set on dead letters. */
  deadLetterError: 'Gov-Dlq-Error',
  deadLetterEventId: 'Gov-Dlq-Event-Id',
  deadLetterDeliveries: 'Gov-Dlq-Deliveries',
  deadLetterSubject: 'Gov-Dlq-Subject',
  deadLetterStreamSequence: 'Gov-Dlq-Stream-Seq',
  deadLetterConsumer: 'Gov-Dlq-Consumer',
  deadLetterFailedAt: 'Gov-Dlq-Failed-At',
} as const;
