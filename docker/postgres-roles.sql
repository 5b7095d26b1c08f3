-- Run once by the postgres image on an empty volume. The API migrates as the owner (POSTGRES_USER)
-- and serves as newsroom_api, a member of newsroom_app: the migrations grant that group role the
-- right to read the log and append to it through es_append, never to rewrite it.
create role newsroom_app nologin;
create role newsroom_api login password 'newsroom_api' in role newsroom_app;
