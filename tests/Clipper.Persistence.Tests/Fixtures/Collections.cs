namespace Clipper.Persistence.Tests.Fixtures;

// One database and one cluster per provider; the two collections run in parallel, their classes in turn.
[CollectionDefinition(Name)]
public sealed class SqliteCollection : ICollectionFixture<SqliteFixture>
{
    public const string Name = "sqlite";
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "postgres";
}
