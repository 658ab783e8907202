import { Module } from '@nestjs/common';
import { ProcessingModule } from '@app/processing';
import { BookingsProcessor } from './bookings.processor.js';
import { BookingsService } from './bookings.service.js';

/** Worker-side only: it registers the consumer of the bookings queue. */
@Module({
  imports: [ProcessingModule],
  providers: [BookingsService, BookingsProcessor],
  exports: [BookingsService, BookingsProcessor],
})
export class BookingsModule {}
