using Clipper.Persistence.Tests.Fixtures;

namespace Clipper.Persistence.Tests;

[Trait("Category", "cluster")]
[Collection(SqliteCollection.Name)]
public sealed class SqliteGrainStorageTests(SqliteFixture fixture) : GrainStorageContract<SqliteFixture>(fixture);

[Trait("Category", "cluster")]
[Collection(SqliteCollection.Name)]
public sealed class SqliteReminderTests(SqliteFixture fixture) : ReminderContract<SqliteFixture>(fixture);

[Trait("Category", "cluster")]
[Collection(SqliteCollection.Name)]
public sealed class SqliteSchemaTests(SqliteFixture fixture) : SchemaContract<SqliteFixture>(fixture);
