-- 0014: bookings of several rooms (issue 18). A booking of n rooms is n
-- rows: room 1 is the booking itself (group_id NULL; its id, confirmation
-- code and access token are the booking's); each further room k is a row
-- of its own with group_id = the booking's id and room_no = k, whose id is
-- its hold's (hotel.RoomHoldID) and whose confirmation code is the
-- booking's with "-k". Every row is one stay with its own room type, plan,
-- party, guest name, nights, terms and status, so holds, jobs, recovery
-- and reconciliation work room by room.

ALTER TABLE booking
    ADD COLUMN group_id UUID REFERENCES booking (id),
    ADD COLUMN room_no  INTEGER NOT NULL DEFAULT 1 CHECK (room_no BETWEEN 1 AND 9),
    ADD CONSTRAINT booking_room_of_group CHECK ((group_id IS NULL) = (room_no = 1));
CREATE UNIQUE INDEX booking_group_room_key ON booking (group_id, room_no) WHERE group_id IS NOT NULL;
