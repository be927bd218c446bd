# LoadLab's two commands (PowerShell):
#   ./run.ps1          build, then run scenarios/quickstart.yaml on the embedded cluster (about a minute)
#   ./run.ps1 test     build and run the whole test suite
#   ./run.ps1 ARGS…    build, then pass ARGS to the loadlab CLI
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot

if (-not (Get-Command dotnet -ErrorAction SilentlyContinue)) {
    Write-Error "run.ps1: the .NET SDK was not found (no 'dotnet' on PATH). Install the .NET 10 SDK from https://dotnet.microsoft.com/download/dotnet/10.0, then run ./run.ps1 again."
    exit 127
}

$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
$cliDll = Join-Path $PSScriptRoot 'src/LoadLab.Cli/bin/Release/net10.0/loadlab.dll'

function Build-Cli {
    dotnet build src/LoadLab.Cli/LoadLab.Cli.csproj -c Release -nologo -v quiet -clp:ErrorsOnly
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

if ($args.Count -eq 0) {
    Build-Cli
    dotnet $cliDll run scenarios/quickstart.yaml
    exit $LASTEXITCODE
}
elseif ($args[0] -eq 'test') {
    dotnet build LoadLab.sln -c Release -nologo -v quiet -clp:ErrorsOnly
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    dotnet test LoadLab.sln -c Release --no-build -nologo -m:1 --logger "console;verbosity=normal"
    exit $LASTEXITCODE
}
else {
    Build-Cli
    dotnet $cliDll @args
    exit $LASTEXITCODE
}
