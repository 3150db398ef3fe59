// The Marketplace Function App on Azure: Flex Consumption, with everything it reaches through one user-assigned
// managed identity (no keys in app settings). Deploy into an existing resource group:
//   az deployment group create -g <group> -f infra/main.bicep -p infra/main.parameters.json
// See README.md, "Azure deployment".
targetScope = 'resourceGroup'

@description('Azure region of every resource. It must offer Flex Consumption (az functionapp list-flexconsumption-locations).')
param location string = resourceGroup().location

@description('Short prefix of resource names: 2-8 lower-case letters or digits, starting with a letter.')
@minLength(2)
@maxLength(8)
param namePrefix string = 'mkp'

@description('OIDC issuer of people\'s tokens (Auth:Authority), e.g. https://login.microsoftonline.com/<tenant-id>/v2.0.')
param authAuthority string

@description('Audience of people\'s tokens (Auth:Audience), e.g. the API\'s application ID URI.')
param authAudience string

@description('Prefix of every table, queue and container the platform creates in the storage account (Storage:Prefix).')
param storagePrefix string = 'mkp'

@description('Zone in which billing hours and days are cut (Billing:TimeZone); do not change it once records are stored.')
param billingTimeZone string = 'Asia/Shanghai'

@description('Zone of the dial-test schedule (DialTests:TimeZone).')
param dialTestTimeZone string = 'Asia/Shanghai'

@description('Service Bus queue of the work items (seller calls, outbox messages).')
param workQueueName string = 'seller-calls'

@description('Durable Functions task hub (3-45 letters or digits).')
param taskHubName string = 'marketplace'

// Timer triggers run on UTC schedules here (Flex Consumption is Linux; WEBSITE_TIME_ZONE is not supported there).
// Each is the job's local schedule converted to UTC; the defaults are right for Asia/Shanghai (UTC+8, no DST).
// The job itself decides, in its own zone, which occurrence is due (CronJobRunner), so a wrong UTC schedule can only
// make a run late, never early or twice.
@description('Hourly bill run, in UTC: minute 15 of every hour.')
param billRunHourlySchedule string = '0 15 * * * *'

@description('Daily bill run, in UTC: 01:00 Asia/Shanghai is 17:00 UTC.')
param billRunDailySchedule string = '0 0 17 * * *'

@description('Usage retention trigger, UTC (04:30 Asia/Shanghai).')
param usageRetentionSchedule string = '0 30 20 * * *'

@description('Dial tests, in UTC: 09:00 and 15:00 Asia/Shanghai are 01:00 and 07:00 UTC.')
param dialTestSchedule string = '0 0 1,7 * * *'

@description('Recovery of unsent outbox rows and stored deadlines without a live timer, in UTC.')
param recoverySchedule string = '0 */30 * * * *'

@description('Flex Consumption: most instances the app scales out to.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Flex Consumption: memory of one instance.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Days Log Analytics keeps logs.')
param logRetentionInDays int = 30

var token = uniqueString(resourceGroup().id, namePrefix)
var functionAppName = '${namePrefix}-func-${token}'
var storageAccountName = take('${namePrefix}st${token}', 24)
var serviceBusName = '${namePrefix}-sb-${token}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}'

// Built-in role definitions.
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${namePrefix}-id-${token}'
  location: location
}

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${namePrefix}-log-${token}'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionInDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${namePrefix}-appi-${token}'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    DisableLocalAuth: true // telemetry is sent with the identity (APPLICATIONINSIGHTS_AUTHENTICATION_STRING)
  }
}

// One account for the Functions host (AzureWebJobsStorage: timers, Durable task hub, deployment package) and for
// the platform's own tables, blobs and queues (Storage:AccountName, names prefixed with Storage:Prefix).
resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageAccountName
  location: location
  sku: {
    name: 'Standard_LRS'
  }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
}

// Standard tier: duplicate detection drops a work item relayed twice (same MessageId) after a crash.
resource serviceBus 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' = {
  name: serviceBusName
  location: location
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
  }
}

resource workQueue 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = {
  parent: serviceBus
  name: workQueueName
  properties: {
    lockDuration: 'PT1M'
    maxDeliveryCount: 10
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'PT10M'
    deadLetteringOnMessageExpiration: true
    defaultMessageTimeToLive: 'P14D'
  }
}

var storageRoles = [
  roles.storageBlobDataOwner // the Functions host's AzureWebJobsStorage needs Owner (blob leases, deployment package)
  roles.storageQueueDataContributor
  roles.storageTableDataContributor
]

resource storageRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in storageRoles: {
  name: guid(storage.id, identity.id, role)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}]

var serviceBusRoles = [
  roles.serviceBusDataSender
  roles.serviceBusDataReceiver
]

resource serviceBusRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in serviceBusRoles: {
  name: guid(serviceBus.id, identity.id, role)
  scope: serviceBus
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}]

resource monitoringRoleAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, identity.id, roles.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${namePrefix}-plan-${token}'
  location: location
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: functionAppName
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: [
        // Functions host storage (timers, Durable task hub), reached with the identity.
        {
          name: 'AzureWebJobsStorage__accountName'
          value: storage.name
        }
        {
          name: 'AzureWebJobsStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'AzureWebJobsStorage__clientId'
          value: identity.properties.clientId
        }
        // The Service Bus connection of the trigger and of the sender (ServiceBusWorkQueue).
        {
          name: 'ServiceBus__fullyQualifiedNamespace'
          value: '${serviceBus.name}.servicebus.windows.net'
        }
        {
          name: 'ServiceBus__credential'
          value: 'managedidentity'
        }
        {
          name: 'ServiceBus__clientId'
          value: identity.properties.clientId
        }
        // DefaultAzureCredential (platform storage, Service Bus sender) picks the user-assigned identity from here.
        {
          name: 'AZURE_CLIENT_ID'
          value: identity.properties.clientId
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: appInsights.properties.ConnectionString
        }
        {
          name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
          value: 'ClientId=${identity.properties.clientId};Authorization=AAD'
        }
        // Bindings.
        {
          name: 'TaskHubName'
          value: taskHubName
        }
        {
          name: 'WorkQueueName'
          value: workQueue.name
        }
        {
          name: 'BillRunHourlySchedule'
          value: billRunHourlySchedule
        }
        {
          name: 'BillRunDailySchedule'
          value: billRunDailySchedule
        }
        {
          name: 'UsageRetentionSchedule'
          value: usageRetentionSchedule
        }
        {
          name: 'DialTestSchedule'
          value: dialTestSchedule
        }
        {
          name: 'RecoverySchedule'
          value: recoverySchedule
        }
        // The platform's own settings (the same sections as Marketplace.Server's appsettings).
        {
          name: 'Storage__AccountName'
          value: storage.name
        }
        {
          name: 'Storage__Prefix'
          value: storagePrefix
        }
        {
          name: 'Auth__Authority'
          value: authAuthority
        }
        {
          name: 'Auth__Audience'
          value: authAudience
        }
        {
          name: 'Billing__TimeZone'
          value: billingTimeZone
        }
        {
          name: 'DialTests__TimeZone'
          value: dialTestTimeZone
        }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainer.name}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
  dependsOn: [
    storageRoleAssignments
    serviceBusRoleAssignments
    monitoringRoleAssignment
  ]
}

output functionAppName string = functionApp.name
output functionAppUrl string = 'https://${functionApp.properties.defaultHostName}'
output storageAccountName string = storage.name
output serviceBusNamespace string = serviceBus.name
output workQueueName string = workQueue.name
output identityClientId string = identity.properties.clientId
output applicationInsightsName string = appInsights.name
