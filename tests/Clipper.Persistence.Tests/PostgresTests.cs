using Clipper.Persistence.Tests.Fixtures;

namespace Clipper.Persistence.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresGrainStorageTests(PostgresFixture fixture) : GrainStorageContract<PostgresFixture>(fixture);

[Collection(PostgresCollection.Name)]
public sealed class PostgresReminderTests(PostgresFixture fixture) : ReminderContract<PostgresFixture>(fixture);

[Collection(PostgresCollection.Name)]
public sealed class PostgresSchemaTests(PostgresFixture fixture) : SchemaContract<PostgresFixture>(fixture);
