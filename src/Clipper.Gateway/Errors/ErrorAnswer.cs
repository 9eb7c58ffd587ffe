using Grpc.Core;

namespace Clipper.Gateway.Errors;

/// <summary>How one error code is answered: the gRPC status, the CLI's exit code and the web port's HTTP status.</summary>
public sealed record ErrorAnswer(ErrorCode Code, StatusCode Grpc, int ExitCode, int HttpStatus);
