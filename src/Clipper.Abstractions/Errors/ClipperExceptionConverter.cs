using System.Runtime.ExceptionServices;
using Clipper.Core.Errors;

namespace Clipper.Abstractions.Errors;

/// <summary>
/// Lets a <see cref="ClipperException"/> thrown in a grain reach its caller as itself: Orleans' own exception
/// codec only carries types of the System, Microsoft and Azure namespaces (others arrive as
/// UnavailableExceptionFallbackException, without their code). The inner exception stays behind: it may be of a
/// type no codec knows, and the code, message, detail and stack say what the caller needs.
/// </summary>
[RegisterConverter]
public sealed class ClipperExceptionConverter : IConverter<ClipperException, ClipperExceptionSurrogate>
{
    public ClipperException ConvertFromSurrogate(in ClipperExceptionSurrogate surrogate)
    {
        var e = new ClipperException(ErrorCodes.FromCode(surrogate.Code), surrogate.Message, surrogate.Detail)
        {
            PermanentOverride = surrogate.PermanentOverride,
        };
        if (surrogate.StackTrace is not null)
        {
            ExceptionDispatchInfo.SetRemoteStackTrace(e, surrogate.StackTrace);
        }

        return e;
    }

    public ClipperExceptionSurrogate ConvertToSurrogate(in ClipperException value) => new()
    {
        Code = value.Code.Code(),
        Message = value.Message,
        Detail = value.Detail,
        PermanentOverride = value.PermanentOverride,
        StackTrace = value.StackTrace,
    };
}
