using System.Net;
using System.Net.Sockets;

namespace Clipper.TestSupport;

public static class Ports
{
    /// <summary>A loopback port nothing listens on right now (the system's choice, so parallel tests do not collide).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
