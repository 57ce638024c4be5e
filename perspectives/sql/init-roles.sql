-- Run once by the postgres image (docker-entrypoint-initdb.d) as the superuser, on an empty volume.
-- Same roles as tools/devstack.py creates for development:
--   perspectives      owns the schema (migrate runs as it) and may create the test databases;
--   perspectives_app  what the application connects as: not superuser, no BYPASSRLS, owns
--                     nothing, so row-level security applies (grants are made after migrate).
-- Passwords come from the container environment (psql's \getenv).
\set ON_ERROR_STOP on
\getenv owner_password PERSPECTIVES_OWNER_PASSWORD
\getenv app_password PERSPECTIVES_APP_PASSWORD

CREATE ROLE perspectives LOGIN CREATEDB NOSUPERUSER NOCREATEROLE NOBYPASSRLS
    PASSWORD :'owner_password';
CREATE ROLE perspectives_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS
    PASSWORD :'app_password';
CREATE DATABASE perspectives OWNER perspectives;
