using Intake;
using Intake.Members;
using Coordination.Hosting;

if (BootstrapAdminCommand.IsRequested(args)) return await BootstrapAdminCommand.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(IntakeExtensions.Service, IntakeExtensions.ConfigureBus);
builder.AddIntake();

var app = builder.BuildService();
app.MapDefaultEndpoints();
app.MapIntakeApis();

return await app.RunServiceAsync();
