using Clipper.Core.Errors;
using ErrorCode = Clipper.Core.Errors.ErrorCode;

namespace Clipper.Gateway.Tests;

/// <summary>Which job a request names: its own id, one derived from its idempotency key per API key, or a new one.</summary>
[Trait("Category", "unit")]
public sealed class JobSubmissionsTests
{
    [Fact]
    public void AnIdempotencyKeyNamesOneJobPerApiKey()
    {
        var a = JobSubmissions.JobIdFor(null, "order-17", "key-one");
        Assert.Equal(a, JobSubmissions.JobIdFor("", "order-17", "key-one"));
        Assert.Matches("^idem-[0-9a-f]{40}$", a);
        Assert.Equal(a, JobIds.Check(a));
        Assert.NotEqual(a, JobSubmissions.JobIdFor(null, "order-17", "key-two"));
        Assert.NotEqual(a, JobSubmissions.JobIdFor(null, "order-17", null));
        Assert.NotEqual(a, JobSubmissions.JobIdFor(null, "order-18", "key-one"));
        // the API key is never readable from the id
        Assert.DoesNotContain("key-one", a);
    }

    [Fact]
    public void AJobIdIsKeptAndANewOneIsMadeWithoutEither()
    {
        Assert.Equal("my-job.1", JobSubmissions.JobIdFor("my-job.1", "", null));
        Assert.Matches("^job-[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$", JobSubmissions.JobIdFor(null, null, null));
        Assert.NotEqual(JobSubmissions.JobIdFor(null, null, null), JobSubmissions.JobIdFor(null, null, null));
    }

    [Theory]
    [InlineData("my-job", "order-1", "give job_id or idempotency_key, not both")]
    [InlineData(null, "with\ttab", "idempotency_key must be")]
    [InlineData(null, "héllo", "idempotency_key must be")]
    [InlineData("bad id!", null, "job_id must be")]
    public void BadIdsAndKeysAreBadOptions(string? jobId, string? key, string message)
    {
        var e = Assert.Throws<ClipperException>(() => JobSubmissions.JobIdFor(jobId, key, null));
        Assert.Equal(ErrorCode.BadOption, e.Code);
        Assert.StartsWith(message, e.Message);
    }

    [Fact]
    public void AKeyOverTwoHundredCharactersIsRefused()
    {
        Assert.StartsWith("idem-", JobSubmissions.JobIdFor(null, new string('k', 200), null));
        Assert.Equal(ErrorCode.BadOption, Assert.Throws<ClipperException>(() => JobSubmissions.JobIdFor(null, new string('k', 201), null)).Code);
    }
}
