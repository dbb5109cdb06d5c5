import { RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { CfnAccount } from 'aws-cdk-lib/aws-apigateway';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/** One per account and region, whatever the environment: every environment's app names it the same. */
export const API_GATEWAY_ACCOUNT_STACK = 'inference-router-api-gateway-account';

/**
 * API Gateway's account-level CloudWatch role (`AWS::ApiGateway::Account`), which access and
 * execution logs of every REST API in the account and region need. It is a single setting: an
 * environment stack that owned it would break the logging of every other API when destroyed, and
 * parallel deploys would fight over it. So it lives here, once, and is retained: deleting this
 * stack leaves the role and the setting in place.
 */
export class ApiGatewayAccountStack extends Stack {
  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    const role = new Role(this, 'CloudWatchRole', {
      assumedBy: new ServicePrincipal('apigateway.amazonaws.com'),
      description: 'API Gateway account-level role for CloudWatch Logs (access and execution logs of every REST API)',
      managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonAPIGatewayPushToCloudWatchLogs')],
    });
    role.applyRemovalPolicy(RemovalPolicy.RETAIN);
    const account = new CfnAccount(this, 'Account', { cloudWatchRoleArn: role.roleArn });
    account.applyRemovalPolicy(RemovalPolicy.RETAIN);
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
      reason:
        "API Gateway's account-level logging role, which AWS requires for access and execution logs; the managed policy only allows CloudWatch Logs and is the one AWS documents for it.",
    });
  }
}
