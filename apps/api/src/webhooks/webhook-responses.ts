import { ApiProperty } from '@nestjs/swagger';

export class WebhookAccepted {
  @ApiProperty({ description: 'The envelope id as a string, or `sha256:<hex>` of the raw body when it has none.' })
  eventId: string;

  @ApiProperty({ enum: ['queued', 'duplicate'], description: '`duplicate`: the same event was already queued.' })
  status: 'queued' | 'duplicate';
}

export class WebhookQuarantined {
  @ApiProperty({ enum: ['quarantined'], description: 'Signed, but not a JSON object with a `type`: kept for a person to inspect.' })
  status: 'quarantined';
}

export class WebhookError {
  @ApiProperty({ enum: ['invalid_signature', 'queue_unavailable'] })
  error: string;
}
