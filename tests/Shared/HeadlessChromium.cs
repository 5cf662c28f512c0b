using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace TransferDetect.Tests;

/// <summary>
/// Debian's chromium, headless, driven over the Chrome DevTools Protocol on a loopback websocket:
/// open a file, collect console messages, exceptions and log entries, evaluate expressions, take a
/// screenshot. No package needed (ClientWebSocket). The browser runs with a new profile folder and
/// without background networking, and is killed (with its child processes) on dispose.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<int, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly List<(string Method, JsonObject Params)> _events = new();
    private readonly object _gate = new();
    private Task? _receiver;
    private int _nextId;
    private string? _session;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    /// <summary>
    /// The chromium executable (TRANSFERDETECT_CHROMIUM, else chromium or chromium-browser on PATH),
    /// or null. Under CI=true a missing browser fails the test; elsewhere it skips it.
    /// </summary>
    public static string RequireExecutable()
    {
        string? found = Environment.GetEnvironmentVariable("TRANSFERDETECT_CHROMIUM");
        if (string.IsNullOrEmpty(found) || !File.Exists(found))
        {
            found = null;
            foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
            {
                foreach (string name in new[] { "chromium", "chromium-browser" })
                {
                    string candidate = Path.Combine(dir, name);
                    if (dir.Length > 0 && File.Exists(candidate))
                    {
                        found = candidate;
                        break;
                    }
                }
                if (found != null) break;
            }
        }
        if (found != null) return found;
        const string message = "chromium is not installed (Debian: apt-get install chromium; .ci/run installs it), so the HTML report cannot be checked in a browser.";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)) Assert.Fail(message);
        Assert.Skip(message);
        return "";
    }

    public static async Task<HeadlessChromium> StartAsync(int width, int height, CancellationToken ct)
    {
        string exe = RequireExecutable();
        string profile = Path.Combine(Path.GetTempPath(), "transferdetect-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string a in new[]
                 {
                     "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--disable-extensions", "--hide-scrollbars", "--mute-audio",
                     $"--window-size={width},{height}", "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
                     "--user-data-dir=" + profile, "about:blank",
                 })
        {
            psi.ArgumentList.Add(a);
        }
        var process = Process.Start(psi) ?? throw new InvalidOperationException("chromium did not start");
        var browser = new HeadlessChromium(process, profile);
        var endpoint = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data == null) return;
            lock (stderr) stderr.AppendLine(e.Data);
            const string marker = "DevTools listening on ";
            int at = e.Data.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0) endpoint.TrySetResult(e.Data.Substring(at + marker.Length).Trim());
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            var done = await Task.WhenAny(endpoint.Task, Task.Delay(TimeSpan.FromSeconds(15), ct));
            if (done != endpoint.Task)
            {
                string log;
                lock (stderr) log = stderr.ToString();
                throw new TimeoutException("chromium did not open its DevTools endpoint within 15 s. stderr:\n" + log);
            }
            await browser._socket.ConnectAsync(new Uri(endpoint.Task.Result), ct);
            browser._receiver = Task.Run(browser.ReceiveLoop);
            var target = await browser.SendAsync("Target.createTarget", new JsonObject { ["url"] = "about:blank" }, ct, browserLevel: true);
            var attached = await browser.SendAsync("Target.attachToTarget", new JsonObject { ["targetId"] = target["targetId"]!.GetValue<string>(), ["flatten"] = true }, ct, browserLevel: true);
            browser._session = attached["sessionId"]!.GetValue<string>();
            await browser.SendAsync("Runtime.enable", null, ct);
            await browser.SendAsync("Log.enable", null, ct);
            await browser.SendAsync("Page.enable", null, ct);
            await browser.SendAsync("Emulation.setDeviceMetricsOverride", new JsonObject { ["width"] = width, ["height"] = height, ["deviceScaleFactor"] = 1, ["mobile"] = false }, ct);
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>Opens the file and waits for its load event. Messages collected before are dropped.</summary>
    public async Task OpenAsync(string file, CancellationToken ct)
    {
        lock (_gate) _events.Clear();
        var loaded = WaitForEventAsync("Page.loadEventFired", ct);
        var nav = await SendAsync("Page.navigate", new JsonObject { ["url"] = new Uri(Path.GetFullPath(file)).AbsoluteUri }, ct);
        if (nav["errorText"] is JsonNode error) throw new InvalidOperationException("navigation failed: " + error);
        await loaded;
        await Task.Delay(300, ct); // late console messages (CSP reports are queued)
    }

    /// <summary>
    /// Every console message of level error or warning, uncaught exception and browser log entry of
    /// level error or warning since the page was opened, as text.
    /// </summary>
    public List<string> Problems()
    {
        var list = new List<string>();
        lock (_gate)
        {
            foreach (var (method, p) in _events)
            {
                switch (method)
                {
                    case "Runtime.exceptionThrown":
                        list.Add("exception: " + p["exceptionDetails"]?.ToJsonString());
                        break;
                    case "Runtime.consoleAPICalled":
                        string type = p["type"]?.GetValue<string>() ?? "";
                        if (type is "error" or "warning" or "assert") list.Add($"console.{type}: " + p["args"]?.ToJsonString());
                        break;
                    case "Log.entryAdded":
                        string level = p["entry"]?["level"]?.GetValue<string>() ?? "";
                        if (level is "error" or "warning") list.Add($"log {level}: " + p["entry"]?["text"]);
                        break;
                }
            }
        }
        return list;
    }

    /// <summary>Every console, exception and log event since the page was opened, as JSON text (for the test output).</summary>
    public List<string> AllMessages()
    {
        lock (_gate)
        {
            var list = new List<string>();
            foreach (var (method, p) in _events)
            {
                if (method is "Runtime.exceptionThrown" or "Runtime.consoleAPICalled" or "Log.entryAdded") list.Add(method + " " + p.ToJsonString());
            }
            return list;
        }
    }

    /// <summary>Evaluates an expression in the page (DevTools evaluation, not subject to the page's CSP) and returns its JSON value.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression, CancellationToken ct)
    {
        var r = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true }, ct);
        if (r["exceptionDetails"] is JsonNode ex) throw new InvalidOperationException("evaluation failed: " + ex.ToJsonString());
        return r["result"]?["value"]?.DeepClone();
    }

    /// <summary>A PNG of the whole page (up to 6000 px tall).</summary>
    public async Task<byte[]> ScreenshotAsync(CancellationToken ct)
    {
        var metrics = await SendAsync("Page.getLayoutMetrics", null, ct);
        double w = metrics["cssContentSize"]?["width"]?.GetValue<double>() ?? 1400;
        double h = Math.Min(6000, metrics["cssContentSize"]?["height"]?.GetValue<double>() ?? 1000);
        var shot = await SendAsync("Page.captureScreenshot", new JsonObject
        {
            ["format"] = "png",
            ["captureBeyondViewport"] = true,
            ["clip"] = new JsonObject { ["x"] = 0, ["y"] = 0, ["width"] = w, ["height"] = h, ["scale"] = 1 },
        }, ct);
        return Convert.FromBase64String(shot["data"]!.GetValue<string>());
    }

    private async Task<JsonObject> SendAsync(string method, JsonObject? parameters, CancellationToken ct, bool browserLevel = false)
    {
        int id = Interlocked.Increment(ref _nextId);
        var tcs = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate) _pending[id] = tcs;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters ?? new JsonObject() };
        if (!browserLevel && _session != null) message["sessionId"] = _session;
        byte[] bytes = Encoding.UTF8.GetBytes(message.ToJsonString());
        await _socket.SendAsync(bytes, WebSocketMessageType.Text, true, ct);
        var done = await Task.WhenAny(tcs.Task, Task.Delay(TimeSpan.FromSeconds(15), ct));
        if (done != tcs.Task) throw new TimeoutException($"no answer to {method} within 15 s");
        return await tcs.Task;
    }

    private async Task WaitForEventAsync(string method, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            lock (_gate)
            {
                foreach (var (m, _) in _events)
                {
                    if (m == method) return;
                }
            }
            await Task.Delay(50, ct);
        }
        throw new TimeoutException($"no {method} within 15 s");
    }

    private async Task ReceiveLoop()
    {
        var buffer = new byte[1 << 16];
        var message = new MemoryStream();
        try
        {
            while (_socket.State == WebSocketState.Open && !_stop.IsCancellationRequested)
            {
                var r = await _socket.ReceiveAsync(buffer, _stop.Token);
                if (r.MessageType == WebSocketMessageType.Close) break;
                message.Write(buffer, 0, r.Count);
                if (!r.EndOfMessage) continue;
                var node = JsonNode.Parse(message.ToArray()) as JsonObject;
                message.SetLength(0);
                if (node == null) continue;
                if (node["id"] is JsonNode idNode)
                {
                    TaskCompletionSource<JsonObject>? tcs;
                    lock (_gate) _pending.Remove(idNode.GetValue<int>(), out tcs);
                    if (tcs == null) continue;
                    if (node["error"] is JsonNode err) tcs.TrySetException(new InvalidOperationException("CDP error: " + err.ToJsonString()));
                    else tcs.TrySetResult(node["result"] as JsonObject ?? new JsonObject());
                }
                else if (node["method"] is JsonNode m)
                {
                    lock (_gate) _events.Add((m.GetValue<string>(), node["params"] as JsonObject ?? new JsonObject()));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException || e is WebSocketException || e is ObjectDisposedException)
        {
        }
        finally
        {
            lock (_gate)
            {
                foreach (var tcs in _pending.Values) tcs.TrySetException(new InvalidOperationException("the DevTools connection closed"));
                _pending.Clear();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        }
        catch (Exception e) when (e is InvalidOperationException || e is OperationCanceledException || e is System.ComponentModel.Win32Exception)
        {
        }
        _socket.Dispose();
        if (_receiver != null)
        {
            try
            {
                await _receiver.WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (TimeoutException)
            {
            }
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
        {
        }
    }
}
