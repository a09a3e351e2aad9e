using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Recurrent.View;

namespace Recurrent.Tests.View;

/// <summary>The real server (Kestrel) listens on 127.0.0.1 only: it answers there, and not on the machine's other addresses.</summary>
public sealed class ViewBindingTests : IDisposable
{
    private readonly ViewFiles _files = new();

    [Fact]
    public async Task ListensOnLoopbackOnlyOnTheFreePortItPicked()
    {
        var app = ViewServer.Build(new ViewOptions(_files.Root, Port: 0));
        await app.StartAsync();
        try
        {
            string url = Assert.Single(app.Urls);
            var uri = new Uri(url);
            Assert.Equal("127.0.0.1", uri.Host);
            Assert.NotEqual(0, uri.Port);
            using var http = new HttpClient();
            Assert.Contains("Recurrent", await http.GetStringAsync(url));

            var others = NetworkInterface.GetAllNetworkInterfaces()
                .Where(n => n.OperationalStatus == OperationalStatus.Up)
                .SelectMany(n => n.GetIPProperties().UnicastAddresses.Select(a => a.Address))
                .Where(a => !IPAddress.IsLoopback(a) && a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6 && !a.IsIPv6LinkLocal)
                .ToList();
            foreach (var address in others)
            {
                using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                var e = await Assert.ThrowsAsync<SocketException>(async () => await socket.ConnectAsync(address, uri.Port).WaitAsync(TimeSpan.FromSeconds(10)));
                Assert.Equal(SocketError.ConnectionRefused, e.SocketErrorCode);
            }
            using var v6 = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
            await Assert.ThrowsAsync<SocketException>(async () => await v6.ConnectAsync(IPAddress.IPv6Loopback, uri.Port).WaitAsync(TimeSpan.FromSeconds(10)));
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public void Dispose() => _files.Dispose();
}
