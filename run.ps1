# LoadLab's two commands (PowerShell), as run.sh:
#   ./run.ps1                build if needed, then run scenarios/quickstart.yaml on the embedded cluster (about a minute)
#   ./run.ps1 test [ARGS…]   build if needed, then run the test suite; ARGS go to `dotnet test` (e.g. --filter Quickstart)
#   ./run.ps1 mutate [ARGS…] mutation testing of what computes users' numbers (stryker/mutate.sh, run by bash; incremental by default)
#   ./run.ps1 ARGS…          build if needed, then pass ARGS to the loadlab CLI
# Builds are quiet (MSBuild's output appears only when the build fails) and happen only when a source file changed
# since the last successful build.
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) {
    Write-Error "run.ps1: the .NET SDK was not found (no 'dotnet' on PATH). Install the .NET 10 SDK from https://dotnet.microsoft.com/download/dotnet/10.0, then run ./run.ps1 again."
    exit 127
}

$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
$cliDll = Join-Path $PSScriptRoot 'src/LoadLab.Cli/bin/Release/net10.0/loadlab.dll'
$stamps = Join-Path $PSScriptRoot 'obj/run'

# The first source newer than the stamp of the last successful build, or $null when the build is up to date.
function Get-Change([string]$stamp, [string[]]$folders) {
    if (-not (Test-Path $stamp)) { return '(no previous build)' }
    $since = (Get-Item $stamp).LastWriteTimeUtc
    $roots = @('LoadLab.sln', 'Directory.Build.props', 'Directory.Packages.props', 'global.json', '.editorconfig') | Where-Object { Test-Path $_ }
    $files = @($roots | Get-Item -Force) + @($folders | ForEach-Object { Get-ChildItem $_ -Recurse -File -Force } |
        Where-Object { $_.FullName -notmatch '[\\/](bin|obj)[\\/]' })
    $changed = $files | Where-Object { $_.LastWriteTimeUtc -gt $since } | Select-Object -First 1
    if ($changed) { return $changed.FullName }
    return $null
}

function Invoke-Build([string]$what, [string]$target, [string[]]$folders) {
    $stamp = Join-Path $stamps "$what.stamp"
    $reason = Get-Change $stamp $folders
    if (-not (Test-Path $cliDll)) { $reason = '(no build output)' }
    if (-not $reason) { return }
    New-Item -ItemType Directory -Force $stamps | Out-Null
    Write-Host "run.ps1: building $what (changed: $reason)..."
    $started = Get-Date
    $log = dotnet build $target -c Release -nologo -v quiet -clp:ErrorsOnly -tl:off 2>&1
    if ($LASTEXITCODE -ne 0) {
        $log | Write-Host
        Write-Error "run.ps1: the build of $what failed (see above)."
        exit 1
    }
    # The stamp takes the time the build started, so a file saved during the build triggers the next one.
    Set-Content $stamp ''
    (Get-Item $stamp).LastWriteTimeUtc = $started.ToUniversalTime()
}

if ($args.Count -eq 0) {
    Invoke-Build 'cli' 'src/LoadLab.Cli/LoadLab.Cli.csproj' @('src')
    dotnet $cliDll run scenarios/quickstart.yaml
    exit $LASTEXITCODE
}
elseif ($args[0] -eq 'test') {
    Invoke-Build 'all' 'LoadLab.sln' @('src', 'tests')
    # The solution contains the CLI: it is now as new as its sources.
    Copy-Item (Join-Path $stamps 'all.stamp') (Join-Path $stamps 'cli.stamp') -ErrorAction SilentlyContinue
    $rest = @($args | Select-Object -Skip 1)
    # Two test assemblies at a time, as run.sh explains; tests within an assembly run one at a time.
    $log = New-TemporaryFile
    dotnet test LoadLab.sln -c Release --no-build -nologo -m:2 --logger "console;verbosity=normal" @rest 2>&1 | Tee-Object -FilePath $log
    $status = $LASTEXITCODE
    # One closing line over all test assemblies, in the form CI systems read (as run.sh prints it).
    $text = Get-Content $log
    Remove-Item $log
    $sum = { param($label) ($text | Select-String "^ +${label}: +(\d+)$" | ForEach-Object { [int]$_.Matches[0].Groups[1].Value } | Measure-Object -Sum).Sum }
    if (-not ($text | Select-String '^Test Run (Successful|Failed)\.')) {
        Write-Host 'no test assembly reported results (does the filter match any test?)'
        exit 1
    }
    # Every failed test again by name (run.sh adds its message), so a log that keeps only its tail still names it.
    $failures = @($text | Select-String '^ +Failed [A-Za-z_]' | ForEach-Object { $_.Line })
    if ($failures.Count -gt 0) {
        Write-Host "`nfailed tests:"
        $failures | ForEach-Object { Write-Host $_ }
        Write-Host ''
    }
    Write-Host "$(& $sum 'Passed') passed, $(& $sum 'Failed') failed, $(& $sum 'Skipped') skipped"
    exit $status
}
elseif ($args[0] -eq 'mutate') {
    # One implementation for both scripts: stryker/mutate.sh builds what it needs itself. Git for Windows (Git Bash)
    # and WSL bring bash; the relative path works in both.
    if (-not (Get-Command bash -ErrorAction SilentlyContinue)) {
        Write-Error "run.ps1: 'mutate' runs stryker/mutate.sh, which needs bash (no 'bash' on PATH). Install Git for Windows (it brings Git Bash) or use WSL, then run ./run.ps1 mutate again."
        exit 127
    }
    $rest = @($args | Select-Object -Skip 1)
    bash stryker/mutate.sh @rest
    exit $LASTEXITCODE
}
else {
    Invoke-Build 'cli' 'src/LoadLab.Cli/LoadLab.Cli.csproj' @('src')
    dotnet $cliDll @args
    exit $LASTEXITCODE
}
