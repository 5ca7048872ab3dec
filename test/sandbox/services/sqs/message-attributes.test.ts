import { describe, expect, it } from 'vitest';
import { checkMessageAttributes, md5OfAttributes } from '../../../../sandbox/services/sqs/message-attributes';

const binary = { DataType: 'Binary', BinaryValue: Buffer.from('Hello binary world!').toString('base64') };
const float = { DataType: 'Number.float', StringValue: '4563442423554324324264524243.32543234' };
const text = { DataType: 'String', StringValue: 'attribValue 1' };

// Digests published with the aws-md5-of-message-attributes package (npm), which implements AWS's
// "Calculating the MD5 message digest for message attributes".
describe('MD5OfMessageAttributes', () => {
  it.each([
    ['a string', { attribName1: text }, '19e27d4e946b072f3f58da80d94fd778'],
    ['a custom number type', { customNumberTypeAttrib: float }, '9fe1b90bbd9965bdf77bac517c7d2495'],
    ['a binary value', { binaryAttribute: binary }, '31a92b15d92f8db860eda32aceb656c3'],
    ['several, in name order', { binaryAttribute: binary, attribName1: text, customNumberTypeAttrib: float }, 'c932db14a896c663f83c260297d594ff'],
  ])('digests %s as AWS does', (_what, attributes, digest) => {
    expect(md5OfAttributes(attributes)).toBe(digest);
  });

  it('has no digest without attributes', () => {
    expect(md5OfAttributes({})).toBeUndefined();
  });
});

describe('message attribute rules', () => {
  it.each([
    ['an AWS. name', { 'AWS.trace': text }, "Message (user) attribute name 'AWS.trace' is invalid."],
    ['an unknown type', { a: { DataType: 'Date', StringValue: 'x' } }, "The type of message (user) attribute 'a' is invalid. You must use only the following supported type prefixes: Binary, Number, String."],
    ['an empty value', { a: { DataType: 'String', StringValue: '' } }, "Message (user) attribute 'a' must contain a non-empty message attribute value for message attribute type 'String'."],
    ['a number that is none', { a: { DataType: 'Number', StringValue: 'ten' } }, "Can't cast the value of message (user) attribute 'a' to a number."],
  ])('refuses %s', (_what, attributes, message) => {
    expect(() => checkMessageAttributes(attributes, 'user')).toThrow(message);
  });

  it('refuses an eleventh attribute', () => {
    const eleven = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, text]));
    expect(() => checkMessageAttributes(eleven, 'user')).toThrow('Number of message attributes [11] exceeds the allowed maximum [10].');
  });
});
