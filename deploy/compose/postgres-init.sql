-- Runs once, when the PostgreSQL volume is created: Unleash's own database beside flagsync's.
CREATE DATABASE unleash OWNER flagsync;
