using Clipper.Persistence.Tests.Fixtures;

namespace Clipper.Persistence.Tests;

[Trait("Category", "cluster")]
[Trait("Category", "external")]
[Collection(PostgresCollection.Name)]
public sealed class PostgresGrainStorageTests(PostgresFixture fixture) : GrainStorageContract<PostgresFixture>(fixture);

[Trait("Category", "cluster")]
[Trait("Category", "external")]
[Collection(PostgresCollection.Name)]
public sealed class PostgresReminderTests(PostgresFixture fixture) : ReminderContract<PostgresFixture>(fixture);

[Trait("Category", "cluster")]
[Trait("Category", "external")]
[Collection(PostgresCollection.Name)]
public sealed class PostgresSchemaTests(PostgresFixture fixture) : SchemaContract<PostgresFixture>(fixture);
