using Clipper.Core.Errors;
using Microsoft.AspNetCore.Http;

namespace Clipper.Gateway.Errors;

/// <summary>A <see cref="ClipperException"/> as the web port answers it: its table status and a <c>code: message</c> line.</summary>
public static class HttpErrors
{
    public static string Body(ClipperException e) => $"{e.Code.Code()}: {e.Message}\n";

    public static IResult Result(ClipperException e) => Results.Text(Body(e), statusCode: ErrorTable.Of(e.Code).HttpStatus);

    /// <summary>For middleware, which answers without an endpoint.</summary>
    public static async Task WriteAsync(HttpResponse response, ClipperException e)
    {
        response.StatusCode = ErrorTable.Of(e.Code).HttpStatus;
        await response.WriteAsync(Body(e));
    }
}
