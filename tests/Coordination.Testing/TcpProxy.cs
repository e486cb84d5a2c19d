using System.Net;
using System.Net.Sockets;

namespace Coordination.Testing;

/// <summary>
/// A TCP forwarder on a local port to a server (PostgreSQL, say), to take that server away from a service as an
/// outage would: <see cref="Cut"/> closes every forwarded connection and refuses new ones; <see cref="Restore"/>
/// listens again on the same port.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly string targetHost;
    private readonly int targetPort;
    private readonly List<TcpClient> open = [];
    private TcpListener? listener;
    private CancellationTokenSource? running;

    public int Port { get; }

    public TcpProxy(string targetHost, int targetPort)
    {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        Port = ServiceProcess.FreePort();
        Restore();
    }

    public void Restore()
    {
        if (listener is not null) return;
        running = new CancellationTokenSource();
        listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Start();
        _ = AcceptAsync(listener, running.Token);
    }

    public void Cut()
    {
        running?.Cancel();
        listener?.Stop();
        listener = null;
        lock (open)
        {
            foreach (var c in open) c.Dispose();
            open.Clear();
        }
    }

    private async Task AcceptAsync(TcpListener l, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await l.AcceptTcpClientAsync(ct); }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException) { return; }
            _ = ForwardAsync(client, ct);
        }
    }

    private async Task ForwardAsync(TcpClient client, CancellationToken ct)
    {
        var server = new TcpClient();
        lock (open) { open.Add(client); open.Add(server); }
        try
        {
            await server.ConnectAsync(targetHost, targetPort, ct);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var up = client.GetStream().CopyToAsync(server.GetStream(), stop.Token);
            var down = server.GetStream().CopyToAsync(client.GetStream(), stop.Token);
            await Task.WhenAny(up, down);
            await stop.CancelAsync();
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException or IOException) { }
        finally
        {
            client.Dispose();
            server.Dispose();
            lock (open) { open.Remove(client); open.Remove(server); }
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }
}
