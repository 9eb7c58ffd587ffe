// Orleans has an ErrorCode of its own; ours is the stable wire code.
global using ErrorCode = Clipper.Core.Errors.ErrorCode;
