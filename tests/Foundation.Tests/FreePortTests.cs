using System.Net;
using System.Net.Sockets;
using Coordination.Testing;

namespace Foundation.Tests;

/// <summary>
/// The ports tests start their servers on. A port from bind(0), the kernel's ephemeral range, could be taken by any
/// outgoing connection before the server bound it: a restarted Disclosure service once failed with "address in use".
/// </summary>
public sealed class FreePortTests
{
    [Fact]
    public void Ports_are_below_the_ephemeral_range_never_handed_out_twice_and_free_to_bind()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        var ephemeralStart = int.Parse(File.ReadAllText(range).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0]);
        var ports = Enumerable.Range(0, 500).Select(_ => ServiceProcess.FreePort()).ToList();

        Assert.All(ports, p => Assert.InRange(p, 1_024, ephemeralStart - 1));
        Assert.Equal(ports.Count, ports.Distinct().Count());
        using var listener = new TcpListener(IPAddress.Loopback, ports[^1]);
        listener.Start();
    }
}
