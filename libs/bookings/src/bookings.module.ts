import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProcessingModule } from '@app/processing';
import { BookingEntity } from './booking.entity.js';
import { BookingsHandler } from './bookings.handler.js';
import { BookingsProcessor } from './bookings.processor.js';

/** Bookings: the projection, its state rules and the consumer of the bookings queue. */
@Module({
  imports: [ProcessingModule, TypeOrmModule.forFeature([BookingEntity])],
  providers: [BookingsHandler, BookingsProcessor],
})
export class BookingsModule {}
