import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import type { TableAttribute, TableDefinition } from '../../shared/store/tables.ts';
import { tableDefinitions } from '../../shared/store/tables.ts';

const attribute = (definition: TableAttribute) => ({
  name: definition.name,
  type: definition.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER,
});

/** The router's DynamoDB tables, built from the same definitions the local runtime creates. */
export class DataTables extends Construct {
  readonly tables: Readonly<Record<TableDefinition['id'], TableV2>>;

  constructor(scope: Construct, id: string, props: { retain: boolean }) {
    super(scope, id);
    const entries = tableDefinitions.map((definition) => {
      const table = new TableV2(this, `${definition.id[0]?.toUpperCase()}${definition.id.slice(1)}Table`, {
        partitionKey: attribute(definition.partitionKey),
        ...(definition.sortKey ? { sortKey: attribute(definition.sortKey) } : {}),
        billing: Billing.onDemand(),
        encryption: TableEncryptionV2.awsManagedKey(),
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: props.retain,
        removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        ...(definition.ttlAttribute ? { timeToLiveAttribute: definition.ttlAttribute } : {}),
        globalSecondaryIndexes: definition.globalIndexes.map((index) => ({
          indexName: index.name,
          partitionKey: attribute(index.partitionKey),
          ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
        })),
      });
      return [definition.id, table] as const;
    });
    this.tables = Object.fromEntries(entries) as Record<TableDefinition['id'], TableV2>;
  }
}
