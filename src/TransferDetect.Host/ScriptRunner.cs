using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace TransferDetect.Host;

/// <summary>Runs a script in the real PowerShell engine with the module imported and its output formatted.</summary>
public static class ScriptRunner
{
    private const string TerminatingCount = "__TransferDetectHostTerminatingErrors";

    /// <summary>
    /// Counts terminating errors without changing what PowerShell does with them: without break or
    /// continue, a trap lets the error be written and the next statement run. A throw (or an error
    /// under ErrorActionPreference Stop) still ends the script.
    /// </summary>
    private const string Trap =
        "trap { $global:" + TerminatingCount + "++; if ($_.Exception.WasThrownFromThrowStatement -or " +
        "$_.Exception -is [System.Management.Automation.ActionPreferenceStopException]) { break } }; ";

    public static int Run(HostOptions options, TextWriter output, TextWriter errors)
    {
        string? module = ModuleLocator.Find(options.ModulePath);
        if (module == null)
        {
            errors.WriteLine("TransferDetect.psd1 was not found: build the module (dotnet build) or pass -Module <path to TransferDetect.psd1>.");
            return 2;
        }

        bool plain = !WritesToTerminal(output);
        var host = new HeadlessHost(output, errors, options.Width, plain);
        var iss = InitialSessionState.CreateDefault2();
        if (OperatingSystem.IsWindows()) iss.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass;
        using var runspace = RunspaceFactory.CreateRunspace(host, iss);
        runspace.Open();
        runspace.SessionStateProxy.SetVariable("global:" + TerminatingCount, 0);

        using (var import = PowerShell.Create())
        {
            import.Runspace = runspace;
            import.AddCommand("Import-Module").AddParameter("Name", module).AddParameter("ErrorAction", "Stop");
            try
            {
                import.Invoke();
            }
            catch (RuntimeException e)
            {
                errors.WriteLine($"The module {module} could not be imported: {e.Message}");
                return 2;
            }
        }

        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        if (options.Command != null)
        {
            ps.AddScript(Trap + options.Command);
        }
        else
        {
            string file = Path.GetFullPath(options.File!);
            if (!File.Exists(file))
            {
                errors.WriteLine($"The script file {file} does not exist.");
                return 2;
            }
            Hashtable named;
            object[] positional;
            try
            {
                (named, positional) = BindFileArguments(runspace, file, options.FileArguments);
            }
            catch (Exception e) when (e is RuntimeException || e is ParseException)
            {
                // The script's param() block cannot be read (a type it names does not exist, a syntax error).
                errors.WriteLine($"{file}: {e.Message}");
                return 1;
            }
            // Splatting needs variables: param() first, then the trap, then the call.
            ps.AddScript("param($__tdFile, $__tdNamed, $__tdPositional) " + Trap + "& $__tdFile @__tdNamed @__tdPositional")
              .AddArgument(file).AddArgument(named).AddArgument(positional);
        }
        ps.Commands.Commands[0].MergeMyResults(PipelineResultTypes.Error, PipelineResultTypes.Output);
        ps.AddCommand("Out-Default");

        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            ps.BeginStop(null, null);
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            ps.Invoke();
        }
        catch (RuntimeException e)
        {
            WriteError(errors, e.ErrorRecord);
            return host.ShouldExit ? host.ExitCode : 1;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
            output.Flush();
        }

        if (host.ShouldExit) return host.ExitCode;
        if (ps.InvocationStateInfo.State == PSInvocationState.Stopped) return 130;
        var count = runspace.SessionStateProxy.GetVariable("global:" + TerminatingCount);
        return count is int n && n > 0 ? 1 : 0;
    }

    private static bool WritesToTerminal(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected &&
        string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));

    private static void WriteError(TextWriter errors, ErrorRecord record)
    {
        errors.WriteLine(record.ToString());
        if (record.InvocationInfo?.PositionMessage is { Length: > 0 } where) errors.WriteLine(where);
    }

    /// <summary>
    /// Binds <c>-Name value</c>, <c>-Name:value</c> and switches the way pwsh -File does, using the
    /// script's own parameter metadata to tell switches from parameters that take a value.
    /// </summary>
    internal static (Hashtable Named, object[] Positional) BindFileArguments(Runspace runspace, string file, IReadOnlyList<string> args)
    {
        var info = runspace.SessionStateProxy.InvokeCommand.GetCommand(file, CommandTypes.ExternalScript);
        var parameters = info?.Parameters ?? new Dictionary<string, ParameterMetadata>();
        var named = new Hashtable(StringComparer.OrdinalIgnoreCase);
        var positional = new List<object>();
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (a.Length > 1 && a[0] == '-' && !double.TryParse(a, out _))
            {
                string name = a.Substring(1);
                string? inline = null;
                int colon = name.IndexOf(':');
                if (colon >= 0)
                {
                    inline = name.Substring(colon + 1);
                    name = name.Substring(0, colon);
                }
                var match = parameters.Keys.Where(k => k.Equals(name, StringComparison.OrdinalIgnoreCase)).ToList();
                if (match.Count == 0) match = parameters.Keys.Where(k => k.StartsWith(name, StringComparison.OrdinalIgnoreCase)).ToList();
                string key = match.Count == 1 ? match[0] : name;
                bool isSwitch = match.Count == 1 && parameters[key].SwitchParameter;
                if (inline != null)
                {
                    named[key] = isSwitch ? !inline.Equals("$false", StringComparison.OrdinalIgnoreCase) && inline != "0" : inline;
                }
                else if (isSwitch || i + 1 >= args.Count)
                {
                    named[key] = new SwitchParameter(true);
                }
                else
                {
                    named[key] = args[++i];
                }
            }
            else
            {
                positional.Add(a);
            }
        }
        return (named, positional.ToArray());
    }
}
