// Run once by the mongo image on an empty data volume (docker-entrypoint-initdb.d), as the root
// user of MONGO_INITDB_ROOT_*: creates the user the apps connect as, with access to the one
// database they use and nothing else.
/* global db, print -- mongosh's globals */
const dbName = process.env.IW_MONGO_DATABASE || 'indicator-watch';
const user = process.env.IW_MONGO_USER;
const password = process.env.IW_MONGO_PASSWORD;
if (!user || !password) throw new Error('IW_MONGO_USER and IW_MONGO_PASSWORD must be set (see .env)');
db.getSiblingDB(dbName).createUser({ user, pwd: password, roles: [{ role: 'readWrite', db: dbName }] });
print(`created user ${user} with readWrite on ${dbName}`);
